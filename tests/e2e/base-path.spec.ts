// The build made with BASE_PATH=/docs/ must serve pages and assets under /docs/ only.
import { test, expect } from './fixtures.ts';

test('a base-path build serves its pages and assets under the base', async ({ page, consoleErrors }) => {
  const requested: string[] = [];
  const failed: string[] = [];
  page.on('request', (r) => requested.push(new URL(r.url()).pathname));
  page.on('response', (r) => {
    if (r.status() >= 400) failed.push(`${r.status()} ${r.url()}`);
  });
  await page.goto('./');
  await expect(page.locator('h1')).toHaveText('Istio Ops Lab');
  await page.getByRole('link', { name: 'Start with Envoy logs' }).click();
  await expect(page).toHaveURL(/\/docs\/debug-istio\/envoy-log\/$/);
  await page.goto('zh/common-problem/tcp-keepalive/');
  await expect(page.locator('#starlight__sidebar a[href="/docs/zh/debug-istio/envoy-log/"]')).toBeAttached();
  expect(requested.length).toBeGreaterThan(3);
  expect(requested.filter((p) => !p.startsWith('/docs/'))).toEqual([]);
  expect(failed).toEqual([]);
  expect(consoleErrors).toEqual([]);
});
