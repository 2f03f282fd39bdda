// Helpers to play a lab in the page as a learner does: start it, type commands
// into the terminal, type into Monaco. Shared by the lab-<id>.spec.ts files.
import type { Locator, Page } from '@playwright/test';
import { expect, test } from './fixtures.ts';

/** A lab on the page; without an id, the page's first lab. */
export function labPage(page: Page, id?: string) {
  const lab = id ? page.locator(`opslab-lab[lab="${id}"]`) : page.locator('opslab-lab').first();
  /** The terminal's rows, trimmed. */
  const rows = () => page.locator('.opslab-terminal .xterm-rows > div').evaluateAll((els) => els.map((e) => (e.textContent ?? '').trim()));
  /** The screen as one string: wrapped rows joined, so a token without spaces survives a wrap. */
  const screen = async () => (await rows()).join('');

  return {
    lab,
    screen,
    task: (taskId: string) => page.locator(`.opslab-task[data-task="${taskId}"]`),

    async start() {
      const button = lab.locator('.opslab-start');
      await expect(button).toBeEnabled();
      await button.click();
      await expect(lab).toHaveAttribute('data-terminal-ready', 'true', { timeout: 10_000 });
      await expect(lab).toHaveAttribute('data-editor-ready', 'true', { timeout: 20_000 });
    },

    /** Types a line into the terminal; waits for `expected` (a string anywhere on the screen, a RegExp against one row) and an idle shell. */
    async run(line: string, expected?: string | RegExp) {
      await expect(lab).not.toHaveAttribute('data-terminal-busy', 'true');
      // The next prompt, not the echo of the typed line (which may hold `expected` too), ends the command.
      const host = lab.locator('.opslab-terminal-host:not([hidden])');
      const prompts = async () => Number((await host.getAttribute('data-prompts')) ?? 0);
      const before = await prompts();
      await host.locator('.xterm-helper-textarea').focus();
      await page.keyboard.type(line);
      await page.keyboard.press('Enter');
      await expect.poll(prompts, { message: `a new prompt after ${line}` }).toBeGreaterThan(before);
      // The prompt is counted once xterm has parsed it; its rows are drawn on a later animation frame.
      await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
      if (expected !== undefined) {
        await expect
          .poll(async () => (typeof expected === 'string' ? (await screen()).includes(expected) : (await rows()).some((r) => expected.test(r))), { message: `terminal shows ${expected}` })
          .toBe(true);
      }
      await expect(lab).not.toHaveAttribute('data-terminal-busy', 'true');
    },

    /**
     * Types lines into the focused Monaco editor, each with its own indentation:
     * whatever Monaco indented after Enter (it keeps the line above's and, once
     * its YAML rules have loaded, adds more after a colon) is selected and typed
     * over, so the text does not depend on when those rules load. An open
     * suggestion widget is closed so Enter makes a new line.
     */
    async typeInEditor(lines: string[]) {
      for (const [i, line] of lines.entries()) {
        if (i > 0) {
          await page.keyboard.press('Enter');
          await page.keyboard.press('Shift+Home');
        }
        // Typing replaces the selected indentation; an empty line gets a space, then loses it.
        await page.keyboard.type(line === '' ? ' ' : line);
        if (line === '') await page.keyboard.press('Backspace');
        if (await page.locator('.opslab-editor .suggest-widget.visible').count()) await page.keyboard.press('Escape');
      }
    },
  };
}

/**
 * Answers a task's question, by a choice's label or typed text, and waits for
 * the lab's verdict (shown once the worker has judged this very answer).
 */
export async function answer(taskItem: Locator, given: { choose: string; exact?: boolean } | { type: string }, verdict: 'right' | 'wrong'): Promise<void> {
  if ('choose' in given) await taskItem.getByLabel(given.choose, given.exact === undefined ? {} : { exact: given.exact }).check();
  else await taskItem.getByLabel(/Your answer|你的答案/).fill(given.type);
  await taskItem.getByRole('button', { name: /Check answer|检查答案/ }).click();
  await expect(taskItem.locator('.opslab-verdict')).toHaveAttribute('data-verdict', verdict);
  await expect(taskItem).toHaveAttribute('data-done', verdict === 'right' ? 'true' : 'false');
}

/** A request id as the simulator and Envoy write it (UUID version 4). */
export const REQUEST_ID = /[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}/;

// The same steps with the page as first argument, for specs written that way.
/** The terminal's rows, trimmed. */
export const rows = (page: Page) => page.locator('.opslab-terminal .xterm-rows > div').evaluateAll((els) => els.map((e) => (e.textContent ?? '').trim()));
/** The terminal's screen as one string (wrapped rows joined). */
export const screen = async (page: Page) => (await rows(page)).join('');
export const task = (page: Page, taskId: string) => page.locator(`.opslab-task[data-task="${taskId}"]`);
/** Types a line into the page's lab terminal and waits for `expected` and an idle shell. */
export const typeCommand = (page: Page, line: string, expected: string | RegExp) => labPage(page).run(line, expected);

/**
 * Two tests: the lab in English and in Chinese after a few commands, a hint
 * shown, screenshotted to /tmp/labs-sim/<id>-<lang>.png. The viewport is tall
 * enough for the whole lab, so Starlight's fixed header does not cover part of it.
 */
export function screenshotTests(o: { id: string; chapter: string; zhTitle: string; steps: [line: string, expected: string | RegExp][] }): void {
  for (const lang of ['en', 'zh'] as const) {
    test(`${o.id} screenshot (${lang})`, async ({ page, consoleErrors }) => {
      const { start, run, lab } = labPage(page, o.id);
      await page.setViewportSize({ width: 1280, height: 2400 });
      await page.goto((lang === 'zh' ? 'zh/' : '') + o.chapter);
      await start();
      if (lang === 'zh') await expect(lab.locator('.opslab-title')).toHaveText(o.zhTitle);
      for (const [line, expected] of o.steps) await run(line, expected);
      await page.getByRole('button', { name: lang === 'zh' ? '显示一条提示' : 'Show a hint' }).click();
      await lab.scrollIntoViewIfNeeded();
      await lab.screenshot({ path: `/tmp/labs-sim/${o.id}-${lang}.png` });
      expect(consoleErrors).toEqual([]);
    });
  }
}
