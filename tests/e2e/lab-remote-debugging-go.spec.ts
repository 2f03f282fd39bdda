// Plays the remote-debugging lab as a learner, with its two terminals: forward
// the ports, connect Delve in Terminal 1, set a breakpoint and continue; send
// the failing request from Terminal 2, which hangs while Terminal 1 stops at
// the breakpoint; read the value, continue, and see curl finish.
import type { Page } from '@playwright/test';
import { test, expect } from './fixtures.ts';
import { answer, task } from './lab-play.ts';

const chapter = 'case-studies/remote-debugging-go/';
const REQUEST = `curl -s -X POST localhost:8080/entries -d '{"account":"acct-4410","amountCents":98000}'`;

const host = (page: Page, n: number) => page.locator(`opslab-lab .opslab-terminal-host[data-terminal="${n}"]`);
const rows = (page: Page, n: number) => host(page, n).locator('.xterm-rows > div').evaluateAll((els) => els.map((e) => (e.textContent ?? '').trim()));

/** Types a line into terminal n (once it reads keys) and presses Enter. */
async function typeLine(page: Page, n: number, line: string) {
  await expect(host(page, n)).not.toHaveAttribute('data-busy', 'true');
  await host(page, n).locator('.xterm-helper-textarea').focus();
  await page.keyboard.type(line);
  await page.keyboard.press('Enter');
}

async function sees(page: Page, n: number, expected: string | RegExp) {
  await expect
    .poll(async () => (await rows(page, n)).some((r) => (typeof expected === 'string' ? r.includes(expected) : expected.test(r))), { message: `terminal ${n + 1} shows ${expected}` })
    .toBe(true);
}

async function run(page: Page, n: number, line: string, expected: string | RegExp) {
  await typeLine(page, n, line);
  await sees(page, n, expected);
}

async function start(page: Page) {
  const lab = page.locator('opslab-lab[lab="remote-debugging-go"]');
  await lab.locator('.opslab-start').click();
  await expect(lab).toHaveAttribute('data-terminal-ready', 'true', { timeout: 10_000 });
}

test('debugs the ledger in two terminals: a breakpoint stops the request that Terminal 2 sends', async ({ page, consoleErrors }) => {
  await page.setViewportSize({ width: 1280, height: 1100 });
  await page.goto(chapter);
  await start(page);
  const tabs = page.locator('.opslab-terminal-tabs');
  await expect(tabs.getByRole('button', { name: 'Terminal 1' })).toHaveAttribute('aria-pressed', 'true');
  await expect(host(page, 1)).toBeHidden();

  // Nothing forwarded yet: Delve cannot dial.
  await run(page, 0, 'dlv connect localhost:40000', 'connect: connection refused');
  await expect(task(page, 'connect')).toHaveAttribute('data-done', 'false');
  await run(page, 0, 'kubectl -n billing port-forward deploy/ledger-debug 40000:40000 8080:8080', 'Forwarding from 127.0.0.1:8080 -> 8080');
  await expect(task(page, 'forward')).toHaveAttribute('data-done', 'true');
  await run(page, 0, 'dlv connect localhost:40000', "Type 'help' for list of commands.");
  await sees(page, 0, /^\(dlv\)$/);
  await run(page, 0, 'break main.go:51', /^Breakpoint 1 set at 0x[0-9a-f]+ for main\.handleEntry\(\) \/src\/cmd\/ledger\/main\.go:51$/);
  await expect(task(page, 'breakpoint')).toHaveAttribute('data-done', 'true');

  // continue waits: Terminal 1 is busy and its tab says so.
  await typeLine(page, 0, 'continue');
  await expect(host(page, 0)).toHaveAttribute('data-busy', 'true');
  await expect(tabs.getByRole('button', { name: /Terminal 1/ })).toContainText('running');

  // Terminal 2 sends the ticket's request; it hangs at the breakpoint.
  await tabs.getByRole('button', { name: /Terminal 2/ }).click();
  await expect(host(page, 1)).toBeVisible();
  await expect(host(page, 1).locator('.xterm-helper-textarea')).toBeFocused();
  await typeLine(page, 1, REQUEST);
  await expect(host(page, 1)).toHaveAttribute('data-busy', 'true');
  await expect(page.locator('opslab-lab')).toHaveAttribute('data-terminal-busy', 'true');

  // Back in Terminal 1 the process has stopped, with the request's values.
  await tabs.getByRole('button', { name: /Terminal 1/ }).click();
  // The stop line is longer than the terminal is wide: xterm wraps it onto a second row.
  await sees(page, 0, /^> \[Breakpoint 1\] main\.handleEntry\(\) \/src\/cmd\/ledger\/main\.go:51 \(hits goroutine/);
  await sees(page, 0, /^=>\s+51:\s+fee := feeFor\(tier, e\.AmountCents\)$/);
  await expect(task(page, 'stopped')).toHaveAttribute('data-done', 'true');
  await run(page, 0, 'print e', 'main.Entry {Account: "acct-4410", AmountCents: 98000}');
  await run(page, 0, 'print tier', /^""$/);
  await run(page, 0, 'print tiers["acct-4410"]', 'Command failed: key not found');
  await run(page, 0, 'print tiers', '"ACCT-4410": "silver"');

  // The answer, read at the breakpoint.
  const tier = task(page, 'tier');
  await answer(tier, { type: 'gold' }, 'wrong');
  await answer(tier, { type: 'silver' }, 'right');
  await page.locator('opslab-lab').screenshot({ path: '/tmp/labs-dlv-en-stopped.png' });

  // continue lets the request finish: Terminal 2's curl prints the entry.
  await expect(task(page, 'release')).toHaveAttribute('data-done', 'false');
  await typeLine(page, 0, 'continue');
  await expect(task(page, 'release')).toHaveAttribute('data-done', 'true');
  await tabs.getByRole('button', { name: /Terminal 2/ }).click();
  await sees(page, 1, '{"account":"acct-4410","amountCents":98000,"tier":"","feeCents":0}');
  await expect(page.locator('.opslab-progress')).toHaveText('6 of 6 done');
  await expect(page.locator('.opslab-explanation')).toContainText('ACCT-4410');

  // Ctrl-C halts the continue that waits for the next request.
  await tabs.getByRole('button', { name: /Terminal 1/ }).click();
  await expect(host(page, 0)).toHaveAttribute('data-busy', 'true');
  await host(page, 0).locator('.xterm-helper-textarea').focus();
  await expect(host(page, 0).locator('.xterm-helper-textarea')).toBeFocused();
  await page.keyboard.press('Control+C');
  await sees(page, 0, 'received SIGINT, stopping process (will not forward signal)');
  await run(page, 0, 'quit -c', /^\(dlv\) quit -c$/);
  await sees(page, 0, /^lab:~\$$/);

  // Esc leaves the terminal; the tabs are reachable from the keyboard.
  await host(page, 0).locator('.xterm-helper-textarea').focus();
  await page.keyboard.press('Escape');
  await expect(page.locator('.opslab-terminal')).toBeFocused();
  await page.keyboard.press('Shift+Tab');
  await expect(tabs.getByRole('button', { name: /Terminal 2/ })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(host(page, 1)).toBeVisible();
  await page.locator('opslab-lab').screenshot({ path: '/tmp/labs-dlv-en-done.png' });

  // Reload: tasks and the terminal history are kept.
  await page.waitForTimeout(500);
  await page.reload();
  await start(page);
  await expect(page.locator('.opslab-progress')).toHaveText('6 of 6 done');
  await host(page, 0).locator('.xterm-helper-textarea').focus();
  await page.keyboard.press('ArrowUp');
  await expect(host(page, 0).locator('.xterm-rows')).toContainText('quit -c');
  expect(consoleErrors).toEqual([]);
});

test('the Chinese page plays the same lab', async ({ page, consoleErrors }) => {
  await page.addInitScript(() => localStorage.setItem('starlight-theme', 'dark'));
  await page.setViewportSize({ width: 1280, height: 1100 });
  await page.goto('zh/' + chapter);
  await start(page);
  const tabs = page.locator('.opslab-terminal-tabs');
  await expect(tabs.getByRole('button', { name: '终端 2' })).toBeVisible();
  await run(page, 0, 'kubectl -n billing port-forward deploy/ledger-debug 40000:40000 8080:8080', 'Forwarding from 127.0.0.1:40000 -> 40000');
  await run(page, 0, 'dlv connect localhost:40000', "Type 'help' for list of commands.");
  await run(page, 0, 'b main.handleEntry', 'Breakpoint 1 set at');
  await typeLine(page, 0, 'c');
  await tabs.getByRole('button', { name: /终端 2/ }).click();
  await typeLine(page, 1, REQUEST);
  await tabs.getByRole('button', { name: /终端 1/ }).click();
  await sees(page, 0, /main\.go:44 \(hits goroutine/);
  await run(page, 0, 'next', /main\.go:45 \(PC/);
  await run(page, 0, 'args', /^r = \*net\/http\.Request \{$/);
  await expect(page.locator('.opslab-progress')).toHaveText('已完成 4 / 6');
  // The service's source, highlighted as Go, is next to the terminal.
  await page.locator('.opslab-tab', { hasText: 'main.go' }).click();
  await expect(page.locator('opslab-lab')).toHaveAttribute('data-editor-ready', 'true', { timeout: 20_000 });
  await expect(page.locator('.opslab-editor .view-lines')).toContainText('package main');
  await page.locator('opslab-lab').screenshot({ path: '/tmp/labs-dlv-zh-dark.png' });
  expect(consoleErrors).toEqual([]);
});

for (const [lang, heading] of [['en', 'Lab'], ['zh', '实验']] as const) {
  test(`the chapter's lab section (${lang}) says how to play it`, async ({ page, consoleErrors }) => {
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto((lang === 'zh' ? 'zh/' : '') + chapter);
    const section = page.locator('h2', { hasText: new RegExp(`^${heading}$`) });
    await section.scrollIntoViewIfNeeded();
    await expect(page.locator('.sl-markdown-content')).toContainText(lang === 'en' ? 'Terminal 2' : '终端 2');
    await page.evaluate(() => window.scrollBy(0, -80));
    await page.screenshot({ path: `/tmp/labs-dlv-${lang}-chapter-lab.png` });
    expect(consoleErrors).toEqual([]);
  });
}
