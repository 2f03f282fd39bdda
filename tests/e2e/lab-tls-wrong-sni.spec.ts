// Plays the tls-wrong-sni lab as a learner: /charge through the ingress gateway
// gets Envoy's 503 (UF,URX), the gateway's log shows the handshake failure and its own
// host as SNI; `sni` typed in Monaco and applied makes /charge reach the provider.
import { test, expect } from './fixtures.ts';
import { labPage, screenshotTests, answer } from './lab-play.ts';

const chapter = 'common-problem/tls-wrong-sni/';
const CHARGE = 'curl -s --resolve www.shop-demo.example:443:istio-ingressgateway.istio-system https://www.shop-demo.example/charge';

test('plays the tls-wrong-sni lab', async ({ page, consoleErrors }) => {
  const { start, run, task, typeInEditor } = labPage(page, 'tls-wrong-sni');
  await page.setViewportSize({ width: 1280, height: 1000 });
  await page.goto(chapter);
  await start();
  await expect(page.locator('.opslab-progress')).toHaveText('0 of 5 done');

  await run(CHARGE, 'transport failure reason: TLS_error');
  await expect(task('charge')).toHaveAttribute('data-done', 'true');
  await run('clear');
  await run('kubectl logs deploy/istio-ingressgateway -n istio-system', 'SSLV3_ALERT_HANDSHAKE_FAILURE');

  const clue = task('read-gateway-log');
  await answer(clue, { choose: 'The flag says no route matched /charge' }, 'wrong');
  await answer(clue, { choose: 'The TLS handshake to outbound|443||pay.shop-demo.example failed', exact: false }, 'right');
  const why = task('why-reset');
  await answer(why, { choose: 'The gateway asked for www.shop-demo.example in its SNI', exact: false }, 'right');

  // `sni` under `tls:`, typed at the end of payment-provider-dr.yaml (its last line is `mode: SIMPLE`).
  const editor = page.locator('.opslab-editor .monaco-editor').first();
  await editor.click();
  await page.keyboard.press('Control+End');
  await typeInEditor(['      sni: pay.shop-demo.example']);
  await expect(task('set-sni')).toHaveAttribute('data-done', 'true');
  await expect(task('charge-works')).toHaveAttribute('data-done', 'false');
  await run('kubectl apply -f payment-provider-dr.yaml', 'destinationrule.networking.istio.io/payment-provider configured');
  await expect(task('charge-works')).toHaveAttribute('data-done', 'true');
  await expect(page.locator('.opslab-progress')).toHaveText('5 of 5 done');

  await run('clear');
  await run(CHARGE, '"charge": "accepted"');
  await page.screenshot({ path: '/tmp/labs-sim/tls-wrong-sni-en-done.png' });
  expect(consoleErrors).toEqual([]);
});

screenshotTests({
  id: 'tls-wrong-sni',
  chapter,
  zhTitle: '握手时报错了名字',
  steps: [[CHARGE, 'transport failure reason: TLS_error']],
});
