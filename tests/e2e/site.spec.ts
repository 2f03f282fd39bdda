import { test, expect } from './fixtures.ts';
import { sections, chapters } from '../../src/guide/chapters.ts';

test('home page renders in English and Chinese', async ({ page, consoleErrors }) => {
  await page.goto('./');
  await expect(page.locator('h1')).toHaveText('Istio Ops Lab');
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(page.getByRole('heading', { name: 'How a lab works' })).toBeVisible();

  await page.goto('zh/');
  await expect(page.locator('h1')).toHaveText('Istio 运维实战 · 互动实验');
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
  await expect(page.getByRole('heading', { name: '实验如何进行' })).toBeVisible();
  expect(consoleErrors).toEqual([]);
});

// After the guide's chapters the sidebar has one group of its own: guides for teams.
const teamGroup = {
  label: { en: 'For your team', zh: '团队使用' },
  pages: [{ slug: 'guides/own-labs', title: { en: 'Embed our labs, write your own', zh: '嵌入实验与编写自己的实验' } }],
};

for (const lang of ['en', 'zh'] as const) {
  test(`sidebar lists every chapter of the guide in order (${lang})`, async ({ page, consoleErrors }) => {
    await page.goto(lang === 'zh' ? 'zh/debug-istio/envoy-log/' : 'debug-istio/envoy-log/');
    const sidebar = page.locator('#starlight__sidebar');
    for (const section of [...sections, teamGroup]) {
      await expect(sidebar.getByText(section.label[lang], { exact: true }).first()).toBeAttached();
    }
    const links = sidebar.locator('a[href]');
    const hrefs = await links.evaluateAll((as) => as.map((a) => new URL((a as HTMLAnchorElement).href).pathname));
    const pages = [...chapters, ...teamGroup.pages];
    const expected = pages.map((c) => (lang === 'zh' ? `/zh/${c.slug}/` : `/${c.slug}/`));
    expect(hrefs).toEqual(expected);
    // A link holds the title, then the "in progress" badge in a span of its own.
    const texts = (await links.locator('span:not(.sl-badge)').allInnerTexts()).map((t) => t.trim());
    expect(texts).toEqual(pages.map((c) => c.title[lang]));
    expect(consoleErrors).toEqual([]);
  });
}

test('switching language keeps the same chapter', async ({ page, consoleErrors }) => {
  await page.goto('common-problem/tcp-keepalive/');
  // Starlight's language picker is a <select> inside <starlight-lang-select>.
  await page.locator('starlight-lang-select select').first().selectOption({ label: '简体中文' });
  await expect(page).toHaveURL(/\/zh\/common-problem\/tcp-keepalive\/$/);
  await expect(page.locator('h1')).toHaveText(chapters.find((c) => c.slug === 'common-problem/tcp-keepalive')!.title.zh);
  // The picker reacts once its module script has run, which is before DOMContentLoaded.
  await page.waitForLoadState('domcontentloaded');
  await page.locator('starlight-lang-select select').first().selectOption({ label: 'English' });
  await expect(page).toHaveURL(/^https?:\/\/[^/]+\/common-problem\/tcp-keepalive\/$/);
  expect(consoleErrors).toEqual([]);
});

async function search(page: import('@playwright/test').Page, term: string) {
  await page.locator('site-search button[data-open-modal]').first().click();
  const input = page.locator('#starlight__search input[type="search"], .pagefind-ui__search-input').first();
  await input.fill(term);
  const results = page.locator('.pagefind-ui__result-link');
  await expect(results.first()).toBeVisible({ timeout: 15_000 });
  return results;
}

test('search finds an English term on an English page', async ({ page, consoleErrors }) => {
  await page.goto('./');
  const results = await search(page, 'keepalive');
  const hrefs = await results.evaluateAll((as) => as.map((a) => new URL((a as HTMLAnchorElement).href).pathname));
  expect(hrefs).toContain('/common-problem/tcp-keepalive/');
  expect(hrefs.every((h) => !h.startsWith('/zh/'))).toBe(true);
  expect(consoleErrors).toEqual([]);
});

test('search finds a Chinese term on a Chinese page', async ({ page, consoleErrors }) => {
  await page.goto('zh/');
  const results = await search(page, '优雅退出');
  const hrefs = await results.evaluateAll((as) => as.map((a) => new URL((a as HTMLAnchorElement).href).pathname));
  expect(hrefs).toContain('/zh/best-practice/graceful-termination/');
  expect(hrefs.every((h) => h.startsWith('/zh/'))).toBe(true);
  expect(consoleErrors).toEqual([]);
});

test('code blocks in chapters are highlighted', async ({ page, consoleErrors }) => {
  await page.goto('best-practice/startup-dependence/');
  const block = page.locator('.expressive-code pre[data-language="yaml"]').first();
  await expect(block).toBeVisible();
  // Highlighted code has tokens in several colours; plain text would have one.
  const colours = await block.locator('span').evaluateAll((spans) => [...new Set(spans.map((s) => getComputedStyle(s).color))]);
  expect(colours.length).toBeGreaterThan(2);
  expect(consoleErrors).toEqual([]);
});

test('a chapter shows its lab card with a disabled start button', async ({ page, consoleErrors }) => {
  // A chapter whose lab is still planned.
  await page.goto('zh/tricks/udp-listener/');
  const card = page.locator('[data-lab="udp-listener"]');
  await expect(card.locator('h2')).not.toBeEmpty();
  await expect(card.getByRole('button', { name: '开始实验' })).toBeDisabled();
  expect(consoleErrors).toEqual([]);
});
