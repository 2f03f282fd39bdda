// Plays the demo lab as a learner: start, run commands, answer, edit in Monaco,
// apply, see the tasks tick, reload and find the progress kept. Also measures
// the JavaScript a chapter page loads before Start and the time from Start to a
// terminal that accepts input (printed with console.log for the issue note).
import { gzipSync } from 'node:zlib';
import type { Page } from '@playwright/test';
import { test, expect } from './fixtures.ts';
import { rows, task, typeCommand, answer } from './lab-play.ts';

const chapter = 'case-studies/no-healthy-upstream/';

async function start(page: Page): Promise<number> {
  const lab = page.locator('opslab-lab[lab="no-healthy-upstream"]');
  const button = lab.locator('.opslab-start');
  await expect(button).toBeEnabled();
  const t0 = Date.now();
  await button.click();
  await expect(lab).toHaveAttribute('data-terminal-ready', 'true', { timeout: 10_000 });
  const ms = Date.now() - t0;
  await expect(lab).toHaveAttribute('data-editor-ready', 'true', { timeout: 20_000 });
  return ms;
}

test('a chapter page loads little JavaScript before Start', async ({ page, consoleErrors }) => {
  await page.goto(chapter);
  await page.waitForLoadState('networkidle');
  const scripts = await page.evaluate(() =>
    (performance.getEntriesByType('resource') as PerformanceResourceTiming[])
      .filter((e) => e.initiatorType === 'script' || e.name.endsWith('.js'))
      .map((e) => ({ url: e.name, transfer: e.transferSize, decoded: e.decodedBodySize })),
  );
  // The preview server does not compress; gzip each body to know what a real host would send.
  let gzip = 0;
  for (const s of scripts) gzip += gzipSync(await (await page.request.get(s.url)).body()).length;
  const inlineScripts = await page.evaluate(() => [...document.querySelectorAll('script:not([src])')].map((s) => s.textContent ?? '').join(''));
  const inlineGzip = gzipSync(Buffer.from(inlineScripts)).length;
  const transfer = scripts.reduce((n, s) => n + s.transfer, 0);
  console.log(
    `[measure] JS before Start on /${chapter}: ${scripts.length} files, transferred ${transfer} B (uncompressed server), ` +
      `${gzip} B gzip; inline scripts ${inlineGzip} B gzip; total gzip ${gzip + inlineGzip} B`,
  );
  expect(scripts.some((s) => /editor|terminal|runtime|worker/.test(s.url))).toBe(false);
  expect(gzip + inlineGzip).toBeLessThanOrEqual(100 * 1024);
  expect(consoleErrors).toEqual([]);
});

test('planned labs keep a disabled Start button and say they are being built', async ({ page, consoleErrors }) => {
  await page.goto('tricks/periodic-access-log/');
  const lab = page.locator('opslab-lab').first();
  await expect(lab.locator('.opslab-start')).toBeDisabled();
  await expect(lab.locator('.opslab-note')).toHaveText('The interactive lab is being built.');
  expect(consoleErrors).toEqual([]);
});

test('plays the no-healthy-upstream lab and keeps the progress across a reload', async ({ page, consoleErrors }) => {
  await page.setViewportSize({ width: 1280, height: 1000 });
  await page.goto(chapter);
  const ms = await start(page);
  console.log(`[measure] Start click to terminal accepting input: ${ms} ms`);
  expect(ms).toBeLessThanOrEqual(2000);

  // The analyzer's findings: the empty subset, also as a marker in the editor.
  await expect(page.locator('.opslab-findings li[data-code="IST0173"]')).toContainText('selects no pod');
  await expect(task(page, 'subset-has-pods')).toHaveAttribute('data-done', 'false');
  // Its snippet, highlighted by shiki, marks the subset's selector line (ratings-routing.yaml:46).
  const snippet = page.locator('.opslab-findings li[data-code="IST0173"] .opslab-snippet');
  await expect(snippet.locator('pre.shiki')).toBeVisible();
  await expect(snippet.locator('.opslab-mark')).toHaveText('    labels:');
  expect(await snippet.locator('.opslab-mark span').evaluateAll((spans) => new Set(spans.map((e) => getComputedStyle(e).color)).size)).toBeGreaterThan(1);

  // The apps' simulated behaviour (apps.yaml) runs but is hidden: no tab, not in the terminal's files.
  await expect(page.locator('.opslab-tab', { hasText: 'ratings.yaml' }).first()).toBeVisible();
  await expect(page.locator('.opslab-tab', { hasText: 'apps.yaml' })).toHaveCount(0);
  await typeCommand(page, 'cat apps.yaml', 'cat: apps.yaml: No such file or directory');

  // The terminal: an unknown command lists what exists; curl shows the failure.
  await typeCommand(page, 'nosuch', 'command not found. Available commands:');
  await expect(task(page, 'see-failure')).toHaveAttribute('data-done', 'false');
  await typeCommand(page, 'curl -s http://ratings.shop:8080/', 'no healthy upstream');
  await expect(task(page, 'see-failure')).toHaveAttribute('data-done', 'true');
  await expect(page.locator('.opslab-progress')).toHaveText('1 of 6 done');
  // The client sidecar logged the 503 with its flag.
  await typeCommand(page, 'kubectl logs sleep -n shop -c istio-proxy', /503 UH no_healthy_upstream/);

  // Tab completes commands; istioctl walks the xDS chain to the empty subset.
  await expect(page.locator('opslab-lab')).not.toHaveAttribute('data-terminal-busy', 'true');
  await page.locator('.opslab-terminal .xterm-helper-textarea').focus();
  await page.keyboard.type('istioc');
  await page.keyboard.press('Tab');
  await expect(page.locator('.opslab-terminal .xterm-rows')).toContainText('istioctl');
  await page.keyboard.type(' proxy-config clusters sleep.shop --fqdn ratings.shop.svc.cluster.local');
  await page.keyboard.press('Enter');
  await expect(page.locator('.opslab-terminal .xterm-rows')).toContainText('v1');
  await typeCommand(page, 'istioctl proxy-config endpoints sleep.shop --cluster "outbound|8080|v1|ratings.shop.svc.cluster.local"', 'STATUS');
  await expect(task(page, 'find-empty-subset')).toHaveAttribute('data-done', 'true');
  // No endpoint row (an address first) for the v1 subset: it is empty.
  expect((await rows(page)).filter((r) => /^\d+\.\d+\.\d+\.\d+:\d+/.test(r) && r.includes('|v1|'))).toEqual([]);

  // Esc leaves the terminal; the next Tab moves on instead of being trapped.
  await page.locator('.opslab-terminal .xterm-helper-textarea').focus();
  await page.keyboard.press('Escape');
  await expect(page.locator('.opslab-terminal')).toBeFocused();

  // Hints come one at a time.
  await page.getByRole('button', { name: 'Show a hint' }).click();
  await expect(page.locator('.opslab-hints li')).toHaveCount(1);

  // The question: a wrong answer does not tick, the right one does.
  await answer(task(page, 'name-flag'), { choose: 'UF — the upstream connection failed' }, 'wrong');
  await answer(task(page, 'name-flag'), { choose: 'UH — no healthy upstream host' }, 'right');

  // The log is read-only; the Deployment is editable in Monaco.
  await page.locator('.opslab-tab', { hasText: 'ratings.yaml' }).first().click();
  const editor = page.locator('.opslab-editor .monaco-editor').first();
  await editor.click();
  await page.keyboard.press('Control+Home');
  for (let i = 0; i < 28; i++) await page.keyboard.press('ArrowDown');
  await page.keyboard.press('End');
  await page.keyboard.press('Enter');
  await page.keyboard.type('version: v1');
  await page.keyboard.press('Escape'); // closes a suggestion widget if one opened
  await expect(editor.locator('.view-lines')).toContainText('version: v1');
  await expect(task(page, 'add-label')).toHaveAttribute('data-done', 'true');
  // The analyzer re-runs on the edit: the empty-subset finding is gone.
  await expect(task(page, 'subset-has-pods')).toHaveAttribute('data-done', 'true');
  await expect(page.locator('.opslab-findings li[data-code="IST0173"]')).toHaveCount(0);

  // Until the file is applied the mesh is unchanged.
  await expect(task(page, 'request-succeeds')).toHaveAttribute('data-done', 'false');
  await typeCommand(page, 'kubectl apply -f ratings.yaml', 'deployment.apps/ratings-v1 configured');
  await typeCommand(page, 'curl -s -o /dev/null -w "%{http_code}" http://ratings.shop:8080/', /^200/);
  await expect(task(page, 'request-succeeds')).toHaveAttribute('data-done', 'true');
  await expect(page.locator('.opslab-progress')).toHaveText('6 of 6 done');
  await expect(page.locator('.opslab-explanation')).toContainText('IST0173');

  // The solution is a diff next to the learner's file, behind a confirmation.
  await page.getByRole('button', { name: 'Compare with the solution…' }).click();
  await page.locator('.opslab-dialog').getByRole('button', { name: 'OK' }).click();
  await page.getByRole('button', { name: 'Your ratings.yaml (left) and the solution (right)' }).click();
  await expect(page.locator('.opslab-diff .monaco-diff-editor')).toBeVisible();
  // The learner's fix is the solution's: the two sides show the same file, no inserted line.
  await expect(page.locator('.opslab-diff .monaco-diff-editor .modified-in-monaco-diff-editor')).toContainText('name: ratings');
  await expect(page.locator('.opslab-diff .monaco-diff-editor .line-insert')).toHaveCount(0);
  await page.locator('.opslab-editor-pane').screenshot({ path: '/tmp/lab-en-diff.png' });
  await page.screenshot({ path: '/tmp/lab-en-done.png' });
  await page.locator('.opslab-diff-bar').getByRole('button', { name: 'Close the comparison' }).click();

  // Reload: the edit, the task state and the terminal history are kept.
  await page.waitForTimeout(500); // let the debounced save run
  await page.reload();
  await expect(page.locator('opslab-lab .opslab-start')).toHaveText('Resume lab');
  await start(page);
  await expect(page.locator('.opslab-progress')).toHaveText('6 of 6 done');
  await expect(task(page, 'add-label')).toHaveAttribute('data-done', 'true');
  await expect(page.locator('.opslab-hints li')).toHaveCount(1);
  await page.locator('.opslab-terminal .xterm-helper-textarea').focus();
  await expect(page.locator('opslab-lab')).not.toHaveAttribute('data-terminal-busy', 'true');
  await page.keyboard.press('ArrowUp');
  await expect(page.locator('.opslab-terminal .xterm-rows')).toContainText('curl -s -o /dev/null');
  await page.keyboard.press('Control+C');
  // The edit is kept in the learner's file.
  await typeCommand(page, 'grep -n version ratings.yaml', /^\d+:\s*version: v1$/);
  // The applied fix survives the reload too: the mesh is rebuilt with it.
  await typeCommand(page, 'curl -s -o /dev/null -w "%{http_code}" http://ratings.shop:8080/', /^200/);
  expect(consoleErrors).toEqual([]);
});

test('reset clears the lab after a confirmation', async ({ page, consoleErrors }) => {
  await page.goto(chapter);
  await start(page);
  await typeCommand(page, 'curl -s http://ratings.shop:8080/ | wc -c', /^19$/);
  await expect(task(page, 'see-failure')).toHaveAttribute('data-done', 'true');
  await page.getByRole('button', { name: 'Reset lab…' }).click();
  await page.locator('.opslab-dialog').getByRole('button', { name: 'OK' }).click();
  await expect(page.locator('opslab-lab')).toHaveAttribute('data-terminal-ready', 'true');
  await expect(task(page, 'see-failure')).toHaveAttribute('data-done', 'false');
  expect(await page.evaluate(() => localStorage.getItem('opslab:progress:no-healthy-upstream'))).toBeNull();
  expect(consoleErrors).toEqual([]);
});

test('progress exports to a file and imports in a fresh browser', async ({ page, browser, consoleErrors }) => {
  await page.goto(chapter);
  await start(page);
  await typeCommand(page, 'curl -s http://ratings.shop:8080/', 'no healthy upstream');
  await page.waitForTimeout(500);
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export progress' }).click();
  const file = await (await download).path();

  const fresh = await browser.newContext({ baseURL: page.url() });
  const other = await fresh.newPage();
  await other.goto(page.url());
  await other.locator('opslab-lab .opslab-start').click();
  await expect(other.locator('opslab-lab')).toHaveAttribute('data-terminal-ready', 'true');
  await expect(other.locator('.opslab-task[data-task="see-failure"]')).toHaveAttribute('data-done', 'false');
  await other.locator('.opslab-file-button input').setInputFiles(file);
  await expect(other.locator('opslab-lab')).toHaveAttribute('data-terminal-ready', 'true');
  await expect(other.locator('.opslab-task[data-task="see-failure"]')).toHaveAttribute('data-done', 'true');
  await fresh.close();
  expect(consoleErrors).toEqual([]);
});

for (const [lang, theme] of [
  ['en', 'light'],
  ['zh', 'dark'],
  ['zh', 'light'],
] as const) {
  test(`screenshots: ${lang}, ${theme}`, async ({ page, consoleErrors }) => {
    await page.addInitScript((t) => localStorage.setItem('starlight-theme', t), theme);
    await page.setViewportSize({ width: 1280, height: 1100 });
    await page.goto((lang === 'zh' ? 'zh/' : '') + chapter);
    await expect(page.locator('html')).toHaveAttribute('data-theme', theme);
    await start(page);
    await typeCommand(page, 'curl -s http://ratings.shop:8080/', 'no healthy upstream');
    await page.locator('opslab-lab').scrollIntoViewIfNeeded();
    await page.locator('opslab-lab').screenshot({ path: `/tmp/lab-${lang}-${theme}.png` });
    expect(consoleErrors).toEqual([]);
  });
}

test('narrow screen stacks the panels; the embed page shows the lab alone', async ({ page, consoleErrors }) => {
  await page.setViewportSize({ width: 390, height: 900 });
  await page.goto(chapter);
  await start(page);
  const editor = await page.locator('.opslab-editor-pane').boundingBox();
  const terminal = await page.locator('.opslab-terminal-pane').boundingBox();
  const side = await page.locator('.opslab-side').boundingBox();
  expect(terminal!.y).toBeGreaterThan(editor!.y + editor!.height - 1);
  expect(side!.y).toBeGreaterThan(terminal!.y + terminal!.height - 1);
  await typeCommand(page, 'wc -l ratings.yaml', 'ratings.yaml');
  await page.locator('opslab-lab').screenshot({ path: '/tmp/lab-narrow.png' });

  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto('zh/embed/no-healthy-upstream/?theme=light');
  await expect(page.locator('#starlight__sidebar')).toHaveCount(0);
  await expect(page.locator('.opslab-title')).toHaveText('Pod 都健康，上游却不健康');
  await start(page);
  await typeCommand(page, 'help echo', 'echo — 输出参数');
  await page.screenshot({ path: '/tmp/lab-embed-zh-light.png' });
  expect(consoleErrors).toEqual([]);
});

test('full view covers the window with editor and terminal beside the tasks, and goes back', async ({ page, consoleErrors }) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(chapter);
  await start(page);
  const runtime = page.locator('.opslab-runtime');
  // In the page's content column the panels are stacked.
  const stackedSide = (await page.locator('.opslab-side').boundingBox())!;
  const stackedEditor = (await page.locator('.opslab-editor-pane').boundingBox())!;
  expect(stackedSide.y).toBeGreaterThan(stackedEditor.y + stackedEditor.height);

  await page.getByRole('button', { name: 'Full view' }).click();
  await expect(page.getByRole('button', { name: 'Back to the page' })).toHaveAttribute('aria-pressed', 'true');
  // The lab's title stays in sight above its panels.
  await expect(page.locator('.opslab-expanded-title')).toHaveText('Healthy pods, no healthy upstream');
  const box = (await runtime.boundingBox())!;
  expect(box.x).toBe(0);
  expect(box.width).toBe(1440);
  expect(box.height).toBe(900);
  const editor = (await page.locator('.opslab-editor-pane').boundingBox())!;
  const terminal = (await page.locator('.opslab-terminal-pane').boundingBox())!;
  const side = (await page.locator('.opslab-side').boundingBox())!;
  // Tasks to the right, from the top; the terminal right under the editor, whatever the tasks' length.
  expect(side.x).toBeGreaterThanOrEqual(editor.x + editor.width);
  expect(side.y).toBeLessThan(editor.y + 1);
  expect(terminal.y - (editor.y + editor.height)).toBeLessThan(20);
  // The shell still answers, and its screen was resized to the wider pane.
  await typeCommand(page, 'wc -l ratings.yaml', 'ratings.yaml');
  await page.screenshot({ path: '/tmp/lab-full-view.png' });

  // Esc in the terminal only leaves it; the next Esc goes back to the page.
  await page.keyboard.press('Escape');
  await expect(page.getByRole('button', { name: 'Back to the page' })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByRole('button', { name: 'Full view' })).toHaveAttribute('aria-pressed', 'false');
  await page.getByRole('button', { name: 'Full view' }).click();
  await page.getByRole('button', { name: 'Back to the page' }).click();
  await expect(page.getByRole('button', { name: 'Full view' })).toHaveAttribute('aria-pressed', 'false');
  expect((await runtime.boundingBox())!.width).toBeLessThan(1000);
  expect(await page.evaluate(() => getComputedStyle(document.documentElement).overflow)).not.toBe('hidden');
  expect(consoleErrors).toEqual([]);
});
