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

test('a lab starts under the base path: runtime, workers and styles all load from /docs/', async ({ page, consoleErrors }) => {
  const requested: string[] = [];
  page.on('request', (r) => requested.push(new URL(r.url()).pathname));
  await page.goto('case-studies/no-healthy-upstream/');
  await page.locator('opslab-lab .opslab-start').click();
  const lab = page.locator('opslab-lab');
  await expect(lab).toHaveAttribute('data-terminal-ready', 'true', { timeout: 10_000 });
  await expect(lab).toHaveAttribute('data-editor-ready', 'true', { timeout: 20_000 });
  await page.locator('.opslab-terminal .xterm-helper-textarea').focus();
  await page.keyboard.type('curl -s http://ratings.shop:8080/');
  await page.keyboard.press('Enter');
  await expect(page.locator('.opslab-terminal .xterm-rows')).toContainText('ratings.shop:8080/no healthy upstream');
  expect(requested.some((p) => /\/docs\/_astro\/.*worker.*\.js$/.test(p))).toBe(true);
  expect(requested.filter((p) => !p.startsWith('/docs/'))).toEqual([]);
  expect(consoleErrors).toEqual([]);
});
