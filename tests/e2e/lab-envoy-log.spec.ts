// Plays the envoy-log lab as a learner: reproduce the 503, read the client and
// server sidecar logs, answer who produced it, define the missing subset in
// Monaco, apply it, follow the successful request by its x-request-id, then
// reload and find the progress kept. Also screenshots the lab in both languages.
import { test, expect } from './fixtures.ts';
import { labPage, screenshotTests, REQUEST_ID, answer } from './lab-play.ts';

const chapter = 'debug-istio/envoy-log/';

test('plays the envoy-log lab and keeps the progress across a reload', async ({ page, consoleErrors }) => {
  const { start, run, screen, task, typeInEditor, lab } = labPage(page, 'envoy-log');
  await page.setViewportSize({ width: 1280, height: 1000 });
  await page.goto(chapter);
  await start();
  await expect(page.locator('.opslab-progress')).toHaveText('0 of 8 done');

  // The analyzer already names the missing subset, at the VirtualService's line.
  await expect(page.locator('.opslab-findings li[data-code="IST0101"]')).toContainText('inventory+v2');
  await expect(task('no-missing-subset')).toHaveAttribute('data-done', 'false');

  // The failure, seen from checkout's pod.
  await run("curl -s -o /dev/null -w '%{http_code}\\n' http://inventory.shop/api/stock/sku-4411", /^503$/);
  await expect(task('see-503')).toHaveAttribute('data-done', 'true');

  // The client sidecar answered by itself: NC, cluster_not_found, no upstream host.
  await run('kubectl logs deploy/checkout -n shop -c istio-proxy', 'cluster_not_found');
  expect(await screen()).toContain('reserve-v2');
  await expect(task('client-log')).toHaveAttribute('data-done', 'true');

  // No inventory sidecar has a line: the request never left checkout's pod.
  await run('clear');
  await run('kubectl logs -l app=inventory -n shop -c istio-proxy --prefix');
  await expect(task('server-log')).toHaveAttribute('data-done', 'true');
  expect(await screen()).not.toContain('inbound|');

  // Hints one at a time.
  await page.getByRole('button', { name: 'Show a hint' }).click();
  await expect(page.locator('.opslab-hints li')).toHaveCount(1);

  // Who answered: a wrong choice does not tick, the right one does.
  const who = task('who-answered');
  await answer(who, { choose: 'the inventory app itself: the 503 came back via_upstream' }, 'wrong');
  await answer(who, { choose: "checkout's own sidecar, NC: the route points at a cluster that proxy does not have" }, 'right');

  // The fix, typed in Monaco: a v2 subset at the end of the DestinationRule.
  await page.locator('.opslab-tab', { hasText: 'inventory-dr.yaml' }).first().click();
  const editor = page.locator('.opslab-editor .monaco-editor').first();
  await editor.click();
  await page.keyboard.press('Control+End');
  // Monaco keeps the indentation of the line above and indents after a colon.
  await typeInEditor(['  - name: v2', '    labels:', '      version: v2']);
  await expect(editor.locator('.view-lines')).toContainText('version: v2');
  await expect(task('add-subset')).toHaveAttribute('data-done', 'true');
  await expect(task('no-missing-subset')).toHaveAttribute('data-done', 'true');
  await expect(page.locator('.opslab-findings li[data-code="IST0101"]')).toHaveCount(0);

  // Not applied yet: the mesh still answers 503.
  await expect(task('request-succeeds')).toHaveAttribute('data-done', 'false');
  await run('kubectl apply -f inventory-dr.yaml', 'destinationrule.networking.istio.io/inventory configured');
  await run('curl -s http://inventory.shop/api/stock/sku-4411', '"servedBy":"inventory-v2"');
  await expect(task('request-succeeds')).toHaveAttribute('data-done', 'true');

  // Follow the request: its id from checkout's 200 line, then the same id on inventory-v2's sidecar.
  await run('clear');
  await run('kubectl logs deploy/checkout -n shop -c istio-proxy | grep via_upstream', 'via_upstream');
  const id = REQUEST_ID.exec(await screen())?.[0];
  expect(id).toBeDefined();
  await expect(task('follow-request-id')).toHaveAttribute('data-done', 'false');
  await run('clear');
  await run(`kubectl logs deploy/inventory-v2 -n shop -c istio-proxy | grep ${id}`, 'inbound|8080||');
  await expect(task('follow-request-id')).toHaveAttribute('data-done', 'true');
  await expect(page.locator('.opslab-progress')).toHaveText('8 of 8 done');
  await expect(page.locator('.opslab-explanation')).toContainText('cluster_not_found');
  await page.screenshot({ path: '/tmp/labs-sim/envoy-log-en-done.png' });

  // Reload: the edit, the tasks, the hints and the applied fix are kept.
  await page.waitForTimeout(500); // the debounced save
  await page.reload();
  await expect(lab.locator('.opslab-start')).toHaveText('Resume lab');
  await start();
  await expect(page.locator('.opslab-progress')).toHaveText('8 of 8 done');
  await expect(page.locator('.opslab-hints li')).toHaveCount(1);
  await run('grep -c "name: v2" inventory-dr.yaml', /^1$/);
  await run("curl -s -o /dev/null -w '%{http_code}\\n' http://inventory.shop/api/stock/sku-4411", /^200$/);
  expect(consoleErrors).toEqual([]);
});

screenshotTests({
  id: 'envoy-log',
  chapter,
  zhTitle: '从未抵达服务端的 503',
  steps: [
    ["curl -s -o /dev/null -w '%{http_code}\\n' http://inventory.shop/api/stock/sku-4411", /^503$/],
    ['kubectl logs deploy/checkout -n shop -c istio-proxy', 'cluster_not_found'],
  ],
});
