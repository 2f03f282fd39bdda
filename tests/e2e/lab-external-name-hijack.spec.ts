// Plays the external-name-hijack lab as a learner: the HTTPS call to the
// payment API fails with curl exit 60, `curl -v` shows the CDN's certificate,
// the sidecar log and the listener table point at the media team's ExternalName
// Service; an exportTo annotation typed in Monaco and applied frees port 443.
import { test, expect } from './fixtures.ts';
import { labPage, screenshotTests, answer } from './lab-play.ts';

const chapter = 'common-problem/external-name-hijack/';
const CALL = 'curl -s https://api.payments-demo.example/v1/health';

test('plays the external-name-hijack lab', async ({ page, consoleErrors }) => {
  const { start, run, task, typeInEditor, lab } = labPage(page, 'external-name-hijack');
  await page.setViewportSize({ width: 1280, height: 1000 });
  await page.goto(chapter);
  await start();
  await expect(page.locator('.opslab-progress')).toHaveText('0 of 4 done');

  await run('curl -v https://api.payments-demo.example/v1/health', 'subject: CN=cdn.assets-demo.example');
  const cert = task('whose-cert');
  await answer(cert, { choose: "The payment provider's own certificate", exact: false }, 'wrong');
  await answer(cert, { choose: 'One for cdn.assets-demo.example', exact: false }, 'right');

  await run('clear');
  await run('kubectl logs deploy/checkout -n shop -c istio-proxy', 'outbound|443||assets-cdn.media.svc.cluster.local');
  const log = task('read-log');
  await answer(log, { choose: 'outbound|443||assets-cdn.media.svc.cluster.local' }, 'right');

  await run('clear');
  await expect(task('find-listener')).toHaveAttribute('data-done', 'false');
  await run('istioctl proxy-config listeners deploy/checkout -n shop --port 443', 'Cluster: outbound|443||assets-cdn.media.svc.cluster.local');
  await expect(task('find-listener')).toHaveAttribute('data-done', 'true');

  // The annotation, typed under `namespace: media` (line 7 of assets-cdn.yaml, after two comment lines).
  const editor = page.locator('.opslab-editor .monaco-editor').first();
  await editor.click();
  await page.keyboard.press('Control+Home');
  for (let i = 0; i < 6; i++) await page.keyboard.press('ArrowDown');
  await page.keyboard.press('End');
  await typeInEditor(['', '  annotations:', '    networking.istio.io/exportTo: "."']);
  await expect(task('limit-export')).toHaveAttribute('data-done', 'false');
  await run('kubectl apply -f assets-cdn.yaml', 'service/assets-cdn configured');
  await expect(task('limit-export')).toHaveAttribute('data-done', 'true');
  await expect(page.locator('.opslab-progress')).toHaveText('4 of 4 done');

  await run('clear');
  await run(CALL, '"status": "ok"');
  await run('kubectl logs deploy/checkout -n shop -c istio-proxy | tail -n 1', 'PassthroughCluster');
  await page.screenshot({ path: '/tmp/labs-sim/external-name-en-done.png' });
  expect(consoleErrors).toEqual([]);
});

screenshotTests({
  id: 'external-name-hijack',
  chapter,
  zhTitle: '谁占用了 443 端口？',
  steps: [['curl -v https://api.payments-demo.example/v1/health', 'subject: CN=cdn.assets-demo.example']],
});
