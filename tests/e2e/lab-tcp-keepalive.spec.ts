// Plays the tcp-keepalive lab as a learner: call the ledger, let 20 simulated
// minutes pass with `sleep`, see the call on the idle pooled connection fail
// with UC, read the capture in the editor, add tcpKeepalive in Monaco, apply,
// and see a call after another idle period succeed. Also screenshots both languages.
import { test, expect } from './fixtures.ts';
import { labPage, screenshotTests, answer } from './lab-play.ts';

const chapter = 'common-problem/tcp-keepalive/';
const CALL = 'curl -s http://ledger.billing.internal/balance';

test('plays the tcp-keepalive lab', async ({ page, consoleErrors }) => {
  const { start, run, screen, task, typeInEditor, lab } = labPage(page, 'tcp-keepalive');
  await page.setViewportSize({ width: 1280, height: 1000 });
  await page.goto(chapter);
  await start();
  await expect(page.locator('.opslab-progress')).toHaveText('0 of 6 done');

  await run(CALL, '"balance": 1200');
  await expect(task('call-ledger')).toHaveAttribute('data-done', 'true');
  await run('sleep 20m', '(20m passed on the simulated clock)');
  await expect(task('let-time-pass')).toHaveAttribute('data-done', 'true');
  await run(CALL, 'reset reason: connection termination');

  await run('clear');
  await run('kubectl logs deploy/web -n shop -c istio-proxy', 'upstream_reset_before_response_started{connection_termination}');
  const read = task('read-log');
  await answer(read, { choose: '503 UF connection_failure', exact: false }, 'wrong');
  await answer(read, { choose: '503 UC upstream_reset_before_response_started', exact: false }, 'right');

  // The capture opens in the editor, read-only: the RST after a 22-minute gap.
  await lab.locator('.opslab-tab', { hasText: 'capture.txt' }).first().click();
  await expect(lab.locator('.opslab-editor .view-lines')).toContainText('Flags [R]');
  const capture = task('read-capture');
  await answer(capture, { choose: 'the load balancer forgot the idle flow', exact: false }, 'right');

  // tcpKeepalive under connectionPool.tcp, typed at the end of ledger-dr.yaml.
  await lab.locator('.opslab-tab', { hasText: 'ledger-dr.yaml' }).first().click();
  const editor = page.locator('.opslab-editor .monaco-editor').first();
  await editor.click();
  await page.keyboard.press('Control+End');
  await typeInEditor(['        tcpKeepalive:', '          time: 300s', '          interval: 30s', '          probes: 4']);
  await expect(task('add-keepalive')).toHaveAttribute('data-done', 'true');
  await expect(task('keepalive-works')).toHaveAttribute('data-done', 'false');
  await run('kubectl apply -f ledger-dr.yaml', 'destinationrule.networking.istio.io/ledger configured');
  await expect(task('keepalive-works')).toHaveAttribute('data-done', 'true');
  await expect(page.locator('.opslab-progress')).toHaveText('6 of 6 done');

  // The cluster now carries the keepalive, and a call after another idle period succeeds.
  await run('clear');
  await run('istioctl proxy-config cluster deploy/web -n shop --fqdn ledger.billing.internal -o json', '"keepaliveTime": 300');
  await run('clear');
  await run(CALL, '"balance": 1200');
  await run('sleep 20m', '(20m passed on the simulated clock)');
  await run('clear');
  await run(CALL, '"balance": 1200');
  expect(await screen()).not.toContain('connection termination');
  await page.screenshot({ path: '/tmp/labs-sim/tcp-keepalive-en-done.png' });
  expect(consoleErrors).toEqual([]);
});

screenshotTests({
  id: 'tcp-keepalive',
  chapter,
  zhTitle: '每周几次的 500',
  steps: [
    [CALL, '"balance": 1200'],
    ['sleep 20m', '(20m passed on the simulated clock)'],
    [CALL, 'reset reason: connection termination'],
  ],
});
