// Visits every page of the guide in both languages: each must load without a
// console error or an outside request, and every internal link on it must resolve.
import { test, expect } from './fixtures.ts';
import { chapters } from '../../src/guide/chapters.ts';

const pages = ['', ...chapters.map((c) => `${c.slug}/`)].flatMap((p) => [p, `zh/${p}`]);

test('every page loads cleanly and its internal links resolve', async ({ page, request, consoleErrors }) => {
  test.setTimeout(180_000);
  const links = new Set<string>();
  for (const p of pages) {
    const response = await page.goto(p || './');
    expect(response?.status(), p).toBe(200);
    const hrefs = await page.locator('a[href]').evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).href));
    for (const h of hrefs) {
      const u = new URL(h);
      if (u.origin === new URL(page.url()).origin) links.add(u.origin + u.pathname);
    }
  }
  const broken: string[] = [];
  for (const l of links) {
    const r = await request.get(l);
    if (r.status() !== 200) broken.push(`${l} -> ${r.status()}`);
  }
  expect(broken).toEqual([]);
  expect(consoleErrors).toEqual([]);
});
