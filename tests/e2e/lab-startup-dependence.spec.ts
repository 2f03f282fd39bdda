// Plays the startup-dependence lab as a learner: find the ledger's restart and the
// refused download in its previous log, see in the injected pod that istio-proxy
// comes last with no hook, add holdApplicationUntilProxyStarts and curl's retry in
// Monaco, apply, and see the new pod start clean with istio-proxy first and its
// postStart `pilot-agent wait`. Also screenshots both languages.
import type { Page } from '@playwright/test';
import { test, expect } from './fixtures.ts';
import { labPage, screenshotTests, answer } from './lab-play.ts';

const chapter = 'best-practice/startup-dependence/';
const POD = 'ledger-whmdx7krk6-s89ql';

/** Puts Monaco's cursor at the end of a 1-based line (from the top of the file). */
async function toLineEnd(page: Page, line: number) {
  await page.keyboard.press('Control+Home');
  for (let i = 1; i < line; i++) await page.keyboard.press('ArrowDown');
  await page.keyboard.press('End');
}

test('plays the startup-dependence lab', async ({ page, consoleErrors }) => {
  const { start, run, screen, task, typeInEditor, lab } = labPage(page, 'startup-dependence');
  await page.setViewportSize({ width: 1280, height: 1000 });
  await page.goto(chapter);
  await start();
  await expect(page.locator('.opslab-progress')).toHaveText('0 of 7 done');

  await run('kubectl get pods -n billing', /^ledger-\S+\s+2\/2\s+Running\s+1 \(12m ago\)/);
  await expect(task('list-pods')).toHaveAttribute('data-done', 'true');
  await run('kubectl logs deploy/ledger -n billing --previous', "Couldn't connect to server");
  await expect(task('read-previous')).toHaveAttribute('data-done', 'true');
  const why = task('why-refused');
  await answer(why, { choose: 'The config server demands mutual TLS', exact: false }, 'wrong');
  await answer(why, { choose: 'Envoy had no listeners yet', exact: false }, 'right');

  await run('clear');
  await run(`kubectl describe pod ${POD} -n billing`, 'Exit Code:    7');
  await run('clear');
  await run(`kubectl get pod ${POD} -n billing -o yaml`, 'exitCode: 7');
  await run('clear');
  await run(`kubectl get pod ${POD} -n billing -o yaml | grep -e "- name:"`, 'name: istio-init');
  expect(await screen()).toMatch(/- name: ledger.*- name: istio-proxy/);
  expect(await screen()).not.toContain('pilot-agent');
  await answer(task('injected-order'), { choose: 'istio-proxy comes after ledger', exact: false }, 'right');

  // The annotation under the template's labels (line 16), then the retry on the curl (line 23, now 26).
  await expect(task('hold-app')).toHaveAttribute('data-done', 'false');
  const editor = page.locator('.opslab-editor .monaco-editor').first();
  await editor.click();
  await toLineEnd(page, 16);
  await typeInEditor(['', '      annotations:', '        proxy.istio.io/config: |', '          holdApplicationUntilProxyStarts: true']);
  await expect(task('hold-app')).toHaveAttribute('data-done', 'true');
  await toLineEnd(page, 26);
  await page.keyboard.press('Home');
  for (let i = 0; i < '- curl -sSf'.length; i++) await page.keyboard.press('ArrowRight');
  await page.keyboard.type(' --retry 5 --retry-connrefused');
  await expect(lab.locator('.opslab-editor .view-lines')).toContainText('curl -sSf --retry 5 --retry-connrefused -o');
  const retry = task('retry-option');
  await answer(retry, { choose: '--retry 5 on its own', exact: true }, 'wrong');
  await answer(retry, { choose: '--retry 5 --retry-connrefused', exact: true }, 'right');

  await expect(task('starts-clean')).toHaveAttribute('data-done', 'false');
  await run('clear');
  await run('kubectl apply -f ledger.yaml', 'deployment.apps/ledger configured');
  await expect(task('starts-clean')).toHaveAttribute('data-done', 'true');
  await expect(page.locator('.opslab-progress')).toHaveText('7 of 7 done');

  // The new pod: no restart, istio-proxy first with its hook, no previous container.
  await run('clear');
  await run('kubectl get pods -n billing', /^ledger-\S+\s+2\/2\s+Running\s+0\s/);
  await run('clear');
  await run(`kubectl get pod ${POD} -n billing -o yaml | grep -e "- name:" -e pilot-agent`, '- pilot-agent');
  expect(await screen()).toMatch(/- name: istio-proxy.*- pilot-agent.*- name: ledger/);
  await run('clear');
  await run('kubectl logs deploy/ledger -n billing --previous', 'previous terminated container "ledger"');
  await page.screenshot({ path: '/tmp/labs-sim/startup-dependence-en-done.png' });
  expect(consoleErrors).toEqual([]);
});

screenshotTests({
  id: 'startup-dependence',
  chapter,
  zhTitle: '先等代理，再启动应用',
  steps: [
    ['kubectl get pods -n billing', /^ledger-\S+\s+2\/2\s+Running\s+1 \(12m ago\)/],
    ['kubectl logs deploy/ledger -n billing --previous', "Couldn't connect to server"],
  ],
});
