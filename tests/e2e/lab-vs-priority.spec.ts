// Plays the vs-priority lab as a learner: the canary header still lands on
// checkout v1, web's sidecar log names checkout-api as the route, the route
// table and the analyzer show the order; moving checkout-canary above
// checkout-api in Monaco and applying it sends the header to v2.
import { test, expect } from './fixtures.ts';
import { labPage, screenshotTests, answer } from './lab-play.ts';

const chapter = 'best-practice/vs-priority/';
const CANARY = 'curl -s -H "x-canary: true" http://checkout.shop:8080/api/cart';
const LOG = 'kubectl logs deploy/web -n shop -c istio-proxy';

test('plays the vs-priority lab', async ({ page, consoleErrors }) => {
  const { start, run, task } = labPage(page, 'vs-priority');
  await page.setViewportSize({ width: 1280, height: 1000 });
  await page.goto(chapter);
  await start();
  await expect(page.locator('.opslab-progress')).toHaveText('0 of 7 done');

  await run(CANARY, '"served_by": "checkout-v1"');
  await expect(task('try-canary')).toHaveAttribute('data-done', 'true');
  await run('clear');
  await run(LOG, 'checkout-api');

  const routeName = task('read-route-name');
  await answer(routeName, { choose: 'The route was checkout-canary', exact: false }, 'wrong');
  await answer(routeName, { choose: 'The route was checkout-api', exact: false }, 'right');

  await run('clear');
  await run('istioctl proxy-config routes deploy/web -n shop --name 8080', '/api/cart*');
  await expect(task('list-routes')).toHaveAttribute('data-done', 'true');
  await run('clear');
  await run('istioctl analyze', 'Warning [OPS312]');
  await expect(task('run-analyze')).toHaveAttribute('data-done', 'true');

  const why = task('why-shadowed');
  await answer(why, { choose: 'istiod sorts the rules of a VirtualService by name', exact: false }, 'wrong');
  await answer(why, { choose: 'Envoy tries the routes from the top', exact: false }, 'right');

  // checkout-vs.yaml (the editor's first file): lines 21-32 are the checkout-canary
  // rule, lines 12-20 checkout-api. Select the canary rule and move it up nine lines.
  const editor = page.locator('.opslab-editor .monaco-editor').first();
  await editor.click();
  await page.keyboard.press('Control+Home');
  // Column 1 all the way (Home would jump to the first non-blank character).
  for (let i = 0; i < 20; i++) await page.keyboard.press('ArrowDown');
  for (let i = 0; i < 12; i++) await page.keyboard.press('Shift+ArrowDown');
  for (let i = 0; i < 9; i++) await page.keyboard.press('Alt+ArrowUp');
  await expect(task('move-canary')).toHaveAttribute('data-done', 'true');
  await expect(task('canary-works')).toHaveAttribute('data-done', 'false');

  await run('kubectl apply -f checkout-vs.yaml', 'virtualservice.networking.istio.io/checkout configured');
  await expect(task('canary-works')).toHaveAttribute('data-done', 'true');
  await expect(page.locator('.opslab-progress')).toHaveText('7 of 7 done');

  await run('clear');
  await run(CANARY, '"served_by": "checkout-v2"');
  await run(LOG, 'checkout-canary');
  await page.screenshot({ path: '/tmp/labs-sim/vs-priority-en-done.png' });
  expect(consoleErrors).toEqual([]);
});

screenshotTests({
  id: 'vs-priority',
  chapter,
  zhTitle: '分不到流量的金丝雀',
  steps: [
    [CANARY, '"served_by": "checkout-v1"'],
    [LOG, 'checkout-api'],
  ],
});
