// Plays the direct-response lab as a learner: /cart through the ingress gateway
// reaches the cart; a directResponse typed in Monaco over the cart rule's route
// and applied makes the gateway answer 503 with the maintenance text, / still
// reaches the storefront, and the gateway's log shows direct_response.
import { test, expect } from './fixtures.ts';
import { labPage, screenshotTests, answer } from './lab-play.ts';

const chapter = 'tricks/direct-response/';
const GATEWAY = '--resolve www.shop-demo.example:80:istio-ingressgateway.istio-system http://www.shop-demo.example';
const CART = `curl -s -i ${GATEWAY}/cart`;

test('plays the direct-response lab', async ({ page, consoleErrors }) => {
  const { start, run, task, typeInEditor } = labPage(page, 'direct-response');
  await page.setViewportSize({ width: 1280, height: 1000 });
  await page.goto(chapter);
  await start();
  await expect(page.locator('.opslab-progress')).toHaveText('0 of 5 done');

  await run(CART, '{"items": 2, "total": "48.90"}');
  await expect(task('visit-cart')).toHaveAttribute('data-done', 'true');

  // storefront-vs.yaml: lines 18-20 are the cart rule's route; select from the end of
  // line 17 (`prefix: /cart`) to the end of line 20 and type the directResponse over it.
  const editor = page.locator('.opslab-editor .monaco-editor').first();
  await editor.click();
  await page.keyboard.press('Control+Home');
  for (let i = 1; i < 17; i++) await page.keyboard.press('ArrowDown');
  await page.keyboard.press('End');
  for (let i = 0; i < 3; i++) await page.keyboard.press('Shift+ArrowDown');
  await page.keyboard.press('Shift+End');
  await page.keyboard.press('Delete');
  await typeInEditor(['', '    directResponse:', '      status: 503', '      body:', '        string: The cart is closed for maintenance until 06:00 UTC']);
  await expect(task('write-direct-response')).toHaveAttribute('data-done', 'true');
  await expect(task('cart-closed')).toHaveAttribute('data-done', 'false');

  await run('clear');
  await run('kubectl apply -f storefront-vs.yaml', 'virtualservice.networking.istio.io/storefront configured');
  await expect(task('cart-closed')).toHaveAttribute('data-done', 'true');
  await run(CART, 'The cart is closed for maintenance until 06:00 UTC');
  // Only the cart is closed: the home page still comes from the storefront.
  await run(`curl -s ${GATEWAY}/`, 'Shop demo');

  await run('clear');
  await run('kubectl logs deploy/istio-ingressgateway -n istio-system', /503 - direct_response/);
  await expect(task('read-gateway-log')).toHaveAttribute('data-done', 'true');
  const proof = task('no-upstream');
  await answer(proof, { choose: 'The flag UH: the cart cluster has no healthy host left' }, 'wrong');
  await answer(proof, { choose: 'The details say direct_response', exact: false }, 'right');
  await expect(page.locator('.opslab-progress')).toHaveText('5 of 5 done');
  await page.screenshot({ path: '/tmp/labs-sim/direct-response-en-done.png' });
  expect(consoleErrors).toEqual([]);
});

screenshotTests({
  id: 'direct-response',
  chapter,
  zhTitle: '在网关上挂维护页',
  steps: [[CART, '{"items": 2, "total": "48.90"}']],
});
