// Plays the "productpage cannot reach reviews" lab as a learner: the storefront
// renders its ratings fallback, its sidecar logged no outbound call, the image
// has no shell, an ephemeral container reads /proc/1 (environ, the deployed
// code), the learner names RATINGS_PORT, turns service links off in Monaco,
// applies the file and gets the page with its rating. Screenshots in English and
// Chinese go to /tmp/lab-productpage-reviews-*.png.
import type { Page } from '@playwright/test';
import { test, expect } from './fixtures.ts';
import { labPage, rows, screen, task, typeCommand, answer } from './lab-play.ts';

const chapter = 'case-studies/productpage-reviews/';
const labSelector = 'opslab-lab[lab="productpage-reviews"]';

const start = (page: Page) => labPage(page, 'productpage-reviews').start();


/** The storefront pod's generated name, read from `kubectl get pods` as a learner would. */
async function storefrontPod(page: Page): Promise<string> {
  await typeCommand(page, 'kubectl -n shop get pods', /^storefront-\S+\s+2\/2\s+Running/);
  const row = (await rows(page)).find((r) => /^storefront-\S+\s+2\/2/.test(r))!;
  return row.split(/\s+/)[0]!;
}

test('plays the productpage-reviews lab: no outbound call, /proc/1 of a distroless app, service links off', async ({ page, consoleErrors }) => {
  test.setTimeout(120_000);
  await page.setViewportSize({ width: 1280, height: 1100 });
  await page.goto(chapter);
  await start(page);
  await expect(page.locator('.opslab-progress')).toHaveText('0 of 7 done');

  // The page renders, with the fallback instead of stars.
  await typeCommand(page, 'curl -s http://storefront.shop:8080/product/42', 'class="rating-error"');
  await expect(task(page, 'see-fallback')).toHaveAttribute('data-done', 'true');

  // The storefront's sidecar saw the page request come in, and nothing go out.
  await typeCommand(page, 'kubectl -n shop logs deploy/storefront -c istio-proxy', 'inbound|8080||');
  expect(await screen(page)).not.toContain('outbound|8080||ratings');
  await expect(task(page, 'no-outbound-line')).toHaveAttribute('data-done', 'true');

  // No shell in the image; an ephemeral container shares the app's PID namespace.
  const pod = await storefrontPod(page);
  await typeCommand(page, `kubectl -n shop exec ${pod} -c storefront -- sh`, 'executable file not found');
  const debug = `kubectl -n shop debug -i ${pod} --image=busybox:1.36 --target=storefront`;
  await typeCommand(page, `${debug} -- ps`, /^1 1000\s+0:04 python \/app\/server\.py$/);
  // Without SYS_PTRACE another user's environ stays closed, and the task does not tick.
  await typeCommand(page, `${debug} -- cat /proc/1/environ`, 'Permission denied');
  await expect(task(page, 'read-environ')).toHaveAttribute('data-done', 'false');
  await typeCommand(page, `${debug} --profile=general -- cat /proc/1/environ | tr '\\0' '\\n' | grep RATINGS`, /^RATINGS_PORT=tcp:\/\/10\.96\.140\.21:8080$/);
  await expect(task(page, 'read-environ')).toHaveAttribute('data-done', 'true');
  await typeCommand(page, `${debug} --profile=general -- grep -n RATINGS /proc/1/root/app/server.py`, /^10:RATINGS_PORT = os\.environ\.get\("RATINGS_PORT", "8080"\)$/);
  await expect(task(page, 'read-deployed-code')).toHaveAttribute('data-done', 'true');
  await page.locator(labSelector).screenshot({ path: '/tmp/lab-productpage-reviews-en-proc.png' });

  // The main branch the team reads uses another variable.
  await page.locator('.opslab-tab', { hasText: 'storefront-main/server.py' }).click();
  await expect(page.locator('.opslab-editor .monaco-editor .view-lines').first()).toContainText('STOREFRONT_RATINGS_URL');

  // Hints come one at a time.
  await page.getByRole('button', { name: 'Show a hint' }).click();
  await expect(page.locator('.opslab-hints li')).toHaveCount(1);
  await page.getByRole('button', { name: 'Show a hint' }).click();
  await expect(page.locator('.opslab-hints li')).toHaveCount(2);

  // A wrong answer does not tick; RATINGS_PORT does.
  await answer(task(page, 'name-variable'), { choose: 'STOREFRONT_RATINGS_URL', exact: true }, 'wrong');
  await answer(task(page, 'name-variable'), { choose: 'RATINGS_PORT', exact: true }, 'right');

  // The fix in Monaco: enableServiceLinks: false in the pod template's spec (after line 19, `    spec:`).
  await page.locator('.opslab-tab', { hasText: 'storefront.yaml' }).click();
  const editor = page.locator('.opslab-editor .monaco-editor').first();
  await expect(editor.locator('.view-lines')).toContainText('version: v2');
  await editor.click();
  await page.keyboard.press('Control+Home');
  for (let i = 0; i < 18; i++) await page.keyboard.press('ArrowDown');
  await page.keyboard.press('End');
  await page.keyboard.press('Enter');
  await page.keyboard.type('enableServiceLinks: false');
  await page.keyboard.press('Escape'); // closes a suggestion widget if one opened
  await expect(editor.locator('.view-lines')).toContainText('enableServiceLinks: false');
  await expect(task(page, 'disable-service-links')).toHaveAttribute('data-done', 'true');

  // Nothing changes in the mesh until the file is applied.
  await expect(task(page, 'ratings-shown')).toHaveAttribute('data-done', 'false');
  await typeCommand(page, 'kubectl -n shop apply -f storefront.yaml', 'deployment.apps/storefront configured');
  await typeCommand(page, 'clear', /^$/);
  await typeCommand(page, 'curl -s http://storefront.shop:8080/product/42', 'class="rating">4.2');
  await expect(task(page, 'ratings-shown')).toHaveAttribute('data-done', 'true');
  await expect(page.locator('.opslab-progress')).toHaveText('7 of 7 done');
  await expect(page.locator('.opslab-explanation')).toContainText('enableServiceLinks: false');
  // Now the sidecar logs the call to ratings.
  await typeCommand(page, 'kubectl -n shop logs deploy/storefront -c istio-proxy | grep ratings', 'outbound|8080||ratings.shop.svc.cluster.local');
  await page.locator(labSelector).screenshot({ path: '/tmp/lab-productpage-reviews-en-done.png' });
  expect(consoleErrors).toEqual([]);
});

test('screenshot: the lab in Chinese', async ({ page, consoleErrors }) => {
  await page.setViewportSize({ width: 1280, height: 1100 });
  await page.goto('zh/' + chapter);
  await start(page);
  await expect(task(page, 'read-environ')).toContainText('/proc/1/environ');
  await typeCommand(page, 'curl -s http://storefront.shop:8080/product/42', 'class="rating-error"');
  const pod = await storefrontPod(page);
  await typeCommand(page, `kubectl -n shop debug -i ${pod} --image=busybox:1.36 --target=storefront --profile=general -- cat /proc/1/environ | tr '\\0' '\\n' | grep RATINGS_PORT`, /^RATINGS_PORT=tcp:/);
  await page.getByRole('button', { name: '显示一条提示' }).click();
  await page.locator(labSelector).scrollIntoViewIfNeeded();
  await page.locator(labSelector).screenshot({ path: '/tmp/lab-productpage-reviews-zh.png' });
  expect(consoleErrors).toEqual([]);
});
