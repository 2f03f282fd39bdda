// Plays the upstream-connection-termination lab as a learner: call inventory,
// let 5 simulated seconds pass with `sleep` so the next call lands while Node
// closes the pooled connection, read the UC line, server.js and the route's
// retry policy, add idleTimeout in Monaco, apply, and see a call 5 seconds
// after the last one succeed. Also screenshots both languages.
import { test, expect } from './fixtures.ts';
import { labPage, screenshotTests, answer } from './lab-play.ts';

const chapter = 'common-problem/upstream-connection-termination/';
const CALL = 'curl -s http://inventory.shop:3000/stock/sku-1042';

test('plays the upstream-connection-termination lab', async ({ page, consoleErrors }) => {
  const { start, run, screen, task, typeInEditor, lab } = labPage(page, 'upstream-connection-termination');
  await page.setViewportSize({ width: 1280, height: 1000 });
  await page.goto(chapter);
  await start();
  await expect(page.locator('.opslab-progress')).toHaveText('0 of 7 done');

  await run(CALL, '"available": 37');
  await expect(task('call-inventory')).toHaveAttribute('data-done', 'true');
  await run('sleep 5', '(5s passed on the simulated clock)');
  await expect(task('hit-the-race')).toHaveAttribute('data-done', 'true');
  await run(CALL, 'reset reason: connection termination');

  await run('clear');
  await run('kubectl logs deploy/checkout -n shop -c istio-proxy', 'upstream_reset_before_response_started{connection_termination}');
  const read = task('read-log');
  await answer(read, { choose: '503 UF upstream_reset_before_response_started', exact: false }, 'wrong');
  await answer(read, { choose: '503 UC upstream_reset_before_response_started', exact: false }, 'right');

  // server.js opens in the editor, read-only: it never sets keepAliveTimeout.
  await lab.locator('.opslab-tab', { hasText: 'server.js' }).first().click();
  await expect(lab.locator('.opslab-editor .view-lines')).toContainText('server.listen(3000');
  await answer(task('who-closed'), { choose: "inventory's Node.js server", exact: false }, 'right');

  await run('clear');
  await run('istioctl proxy-config route deploy/checkout -n shop --name 3000 -o json | grep retryOn', 'connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes');
  expect(await screen()).not.toContain('reset"');
  const why = task('why-no-retry');
  await answer(why, { choose: 'The 3 s route timeout', exact: false }, 'wrong');
  await answer(why, { choose: "The route has Istio's default policy", exact: false }, 'right');

  // idleTimeout under connectionPool.http, typed at the end of inventory-dr.yaml.
  await lab.locator('.opslab-tab', { hasText: 'inventory-dr.yaml' }).first().click();
  const editor = page.locator('.opslab-editor .monaco-editor').first();
  await editor.click();
  await page.keyboard.press('Control+End');
  await typeInEditor(['        idleTimeout: 4s']);
  await expect(task('idle-timeout')).toHaveAttribute('data-done', 'true');
  await expect(task('race-gone')).toHaveAttribute('data-done', 'false');
  await run('kubectl apply -f inventory-dr.yaml', 'destinationrule.networking.istio.io/inventory configured');
  await expect(task('race-gone')).toHaveAttribute('data-done', 'true');
  await expect(page.locator('.opslab-progress')).toHaveText('7 of 7 done');

  // The cluster carries the idle timeout, and the same 5-second pause no longer fails.
  await run('clear');
  await run('istioctl proxy-config cluster deploy/checkout -n shop --fqdn inventory.shop.svc.cluster.local -o json | grep idleTimeout', '"idleTimeout": "4s"');
  await run('clear');
  await run(CALL, '"available": 37');
  await run('sleep 5', '(5s passed on the simulated clock)');
  await run('clear');
  await run(CALL, '"available": 37');
  expect(await screen()).not.toContain('connection termination');
  await page.screenshot({ path: '/tmp/labs-sim/upstream-connection-termination-en-done.png' });
  expect(consoleErrors).toEqual([]);
});

screenshotTests({
  id: 'upstream-connection-termination',
  chapter,
  zhTitle: '千分之一的失败',
  steps: [
    [CALL, '"available": 37'],
    ['sleep 5', '(5s passed on the simulated clock)'],
    [CALL, 'reset reason: connection termination'],
  ],
});
