// Plays the timeouts-and-retries lab as a learner: time the slow path, add a
// route timeout in Monaco and apply it (504 UT after 1 s), name the caller's
// flag, add retries, count the attempts on the server side, and see that the
// route timeout still bounds the retries. Also screenshots both languages.
import { test, expect } from './fixtures.ts';
import { labPage, screenshotTests, REQUEST_ID, answer } from './lab-play.ts';

const chapter = 'case-studies/timeouts-and-retries/';

test('plays the timeouts-and-retries lab', async ({ page, consoleErrors }) => {
  const { start, run, screen, task, typeInEditor } = labPage(page, 'timeouts-and-retries');
  await page.setViewportSize({ width: 1280, height: 1000 });
  await page.goto(chapter);
  await start();
  await expect(page.locator('.opslab-progress')).toHaveText('0 of 7 done');

  // No timeout: the caller waits the 4 s the backend takes.
  await run("curl -s -o /dev/null -w '%{http_code} %{time_total}s\\n' http://inventory.shop:8080/stock/slow", /^200 4\.\d{6}s$/);
  await expect(task('see-slow')).toHaveAttribute('data-done', 'true');

  // A one-second route timeout, typed at the end of the route in Monaco.
  const editor = page.locator('.opslab-editor .monaco-editor').first();
  await editor.click();
  await page.keyboard.press('Control+End');
  await typeInEditor(['    timeout: 1s', '']);
  await expect(task('set-timeout')).toHaveAttribute('data-done', 'true');
  await expect(task('timeout-applies')).toHaveAttribute('data-done', 'false');
  await run('kubectl apply -f inventory-vs.yaml', 'virtualservice.networking.istio.io/inventory configured');
  await expect(task('timeout-applies')).toHaveAttribute('data-done', 'true');
  await run("curl -s -w ' %{http_code} %{time_total}s\\n' http://inventory.shop:8080/stock/slow", /upstream request timeout 504 1\.000000s$/);

  // Caller and server lines: UT on storefront's sidecar, 0 DC on inventory's.
  await run('clear');
  await run('kubectl logs deploy/storefront -n shop -c istio-proxy | grep " 504 "', 'response_timeout');
  await run('clear');
  await run('kubectl logs deploy/inventory-v1 -n shop -c istio-proxy', 'downstream_remote_disconnect');
  const flag = task('read-timeout-line');
  await answer(flag, { choose: 'DC, downstream_remote_disconnect: the client went away' }, 'wrong');
  await answer(flag, { choose: 'UT, response_timeout: the route timeout ran out and this sidecar answered' }, 'right');

  // Retries below the timeout; the cursor is on the empty line left after `timeout`.
  await editor.click();
  await page.keyboard.press('Control+End');
  await typeInEditor(['    retries:', '      attempts: 3', '      perTryTimeout: 500ms', '      retryOn: 5xx']);
  await expect(task('add-retries')).toHaveAttribute('data-done', 'true');
  await expect(task('retries-apply')).toHaveAttribute('data-done', 'false');
  await run('kubectl apply -f inventory-vs.yaml', 'virtualservice.networking.istio.io/inventory configured');
  await expect(task('retries-apply')).toHaveAttribute('data-done', 'true');
  await run("curl -s -o /dev/null -w '%{http_code}\\n' http://inventory.shop:8080/stock/broken", /^500$/);

  // Count the attempts by the request id of the caller's URX line.
  await run('clear');
  await run('kubectl logs deploy/storefront -n shop -c istio-proxy | grep URX', 'URX');
  const id = REQUEST_ID.exec(await screen())?.[0];
  expect(id).toBeDefined();
  await run('clear');
  await run(`kubectl logs deploy/inventory-v1 -n shop -c istio-proxy | grep ${id} | wc -l`, /^4$/);
  // The app's own log saw the same four requests.
  await run('clear');
  await run(`kubectl logs deploy/inventory-v1 -n shop | grep ${id} | wc -l`, /^4$/);
  const count = task('count-attempts');
  await answer(count, { type: '3' }, 'wrong');
  await answer(count, { type: '4' }, 'right');
  await expect(page.locator('.opslab-progress')).toHaveText('7 of 7 done');

  // The route timeout bounds all tries: /stock/slow now ends at 1 s, UT without URX.
  await run("curl -s -o /dev/null -w '%{http_code} %{time_total}s\\n' http://inventory.shop:8080/stock/slow", /^504 1\.000000s$/);
  await run('clear');
  await run('kubectl logs deploy/storefront -n shop -c istio-proxy | tail -n 1', 'response_timeout');
  expect(await screen()).not.toContain('URX');
  await page.screenshot({ path: '/tmp/labs-sim/timeouts-en-done.png' });
  expect(consoleErrors).toEqual([]);
});

screenshotTests({
  id: 'timeouts-and-retries',
  chapter,
  zhTitle: '少等一点，聪明地重试',
  steps: [["curl -s -o /dev/null -w '%{http_code} %{time_total}s\\n' http://inventory.shop:8080/stock/slow", /^200 4\.\d{6}s$/]],
});
