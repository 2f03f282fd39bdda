// Visits every page the site lists in its sitemap (chapters, guides, embed
// pages; both languages): each must load without a console error or an outside
// request, and every internal link on it must resolve.
import { test, expect } from './fixtures.ts';
import { chapters } from '../../src/guide/chapters.ts';

test('every page loads cleanly and its internal links resolve', async ({ page, request, consoleErrors, baseURL }) => {
  test.setTimeout(300_000);
  // The sitemap names pages by the configured site's origin; only their paths matter here.
  const sitemap = await (await request.get('sitemap-0.xml')).text();
  const pages = [...sitemap.matchAll(/<loc>([^<]+)<\/loc>/g)].map((m) => new URL(m[1]!).pathname);
  const base = new URL(baseURL!).pathname;
  // Every chapter, in both languages, is in the sitemap: a page missing there would escape the crawl.
  for (const c of chapters) for (const lang of ['', 'zh/']) expect(pages).toContain(`${base}${lang}${c.slug}/`);
  expect(pages.some((p) => p.includes('/embed/'))).toBe(true);

  const links = new Set<string>();
  for (const p of pages) {
    const response = await page.goto(p);
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
