// Plays the istiod-debug lab as a learner: istiod's metrics through kubectl exec,
// proxy-status and syncz through a port-forward, istiod's log, the answers, the
// fix in the editor and the apply. Screenshots in English and Chinese.
import type { Page } from '@playwright/test';
import { test, expect } from './fixtures.ts';
import { labPage, task, typeCommand, answer } from './lab-play.ts';

const chapter = 'debug-istio/istiod-debug/';

const start = (page: Page) => labPage(page, 'istiod-debug').start();

test('plays the istiod-debug lab: metrics, sync status, log, answers, fix', async ({ page, consoleErrors }) => {
  await page.setViewportSize({ width: 1280, height: 1100 });
  await page.goto(chapter);
  await start(page);
  await expect(page.locator('.opslab-progress')).toHaveText('0 of 8 done');
  // The analyzer already points at the conflict and at the metric.
  await expect(page.locator('.opslab-findings li[data-code="OPS304"]').first()).toBeVisible();
  await expect(page.locator('.opslab-findings li[data-code="OPS403"]')).toContainText('promo/spring-sale');

  // istiod's metrics, from inside its pod.
  await typeCommand(page, "kubectl exec -n istio-system deploy/istiod -- curl -s localhost:15014/metrics | grep rejected", 'pilot_total_rejected_configs{name="promo/spring-sale",type="gateway"} 431');
  await expect(task(page, 'read-metrics')).toHaveAttribute('data-done', 'true');

  // Before a port-forward, localhost:15014 is closed; after it, syncz answers.
  await typeCommand(page, 'curl -s localhost:15014/debug/syncz', 'Failed to connect to localhost port 15014');
  await expect(task(page, 'read-sync-status')).toHaveAttribute('data-done', 'false');
  await typeCommand(page, 'kubectl -n istio-system port-forward deploy/istiod 15014', 'Forwarding from 127.0.0.1:15014 -> 15014');
  await typeCommand(page, 'curl -s localhost:15014/debug/syncz | grep -c proxy_type', /^5$/);
  // The 80-column terminal wraps the table: the start of a gateway's row is enough.
  await typeCommand(page, 'istioctl proxy-status', /^istio-ingressgateway-\S+\.istio-system\s+Kubernetes\s+SYNCED\s+SYNC/);
  await expect(task(page, 'read-sync-status')).toHaveAttribute('data-done', 'true');

  await answer(task(page, 'who-dropped-it'), { choose: 'The gateway\'s Envoy rejected the listener update (a NACK) and kept the old one' }, 'wrong');
  await answer(task(page, 'who-dropped-it'), { choose: 'istiod skipped part of a Gateway before it sent anything; the proxies accepted what they got' }, 'right');
  await answer(task(page, 'name-resource'), { choose: 'Gateway promo/spring-sale' }, 'right');

  await typeCommand(page, "kubectl logs -n istio-system deploy/istiod | grep skipping", 'duplicate host names: [shop.example.com]'); // the row wraps at 80 columns
  await expect(task(page, 'read-log')).toHaveAttribute('data-done', 'true');
  await answer(task(page, 'name-reason'), { choose: 'shop.example.com is already served on port 443 by an older Gateway, and a TLS host may appear only once per port' }, 'right');
  await page.getByRole('button', { name: 'Show a hint' }).click();
  await expect(page.locator('.opslab-hints li')).toHaveCount(1);
  await page.locator('opslab-lab').screenshot({ path: '/tmp/labs-debug-istiod-en-mid.png' });

  // The fix: spring-sale.yaml keeps only its own host.
  await page.locator('.opslab-tab', { hasText: 'spring-sale.yaml' }).first().click();
  const editor = page.locator('.opslab-editor .monaco-editor').first();
  await editor.click();
  await page.keyboard.press('Control+End');
  for (let i = 0; i < 2; i++) await page.keyboard.press('ArrowUp');
  await page.keyboard.press('End');
  for (let i = 0; i < '", "shop.example.com"]'.length; i++) await page.keyboard.press('Backspace');
  await page.keyboard.type('"]');
  await page.keyboard.press('Escape');
  await expect(editor.locator('.view-lines')).toContainText('hosts: ["sale.example.com"]');
  await expect(task(page, 'one-gateway-per-host')).toHaveAttribute('data-done', 'true');
  await expect(page.locator('.opslab-findings li[data-code="OPS304"]')).toHaveCount(0);
  await typeCommand(page, 'kubectl apply -f spring-sale.yaml', 'gateway.networking.istio.io/spring-sale configured');
  await typeCommand(page, 'istioctl analyze', 'No validation issues found');
  await expect(page.locator('.opslab-progress')).toHaveText('8 of 8 done');
  await expect(page.locator('.opslab-explanation')).toContainText('pilot_total_rejected_configs');
  await page.locator('opslab-lab').screenshot({ path: '/tmp/labs-debug-istiod-en-done.png' });
  expect(consoleErrors).toEqual([]);
});

test('istiod-debug in Chinese: the lab speaks Chinese and the terminal reaches istiod', async ({ page, consoleErrors }) => {
  await page.setViewportSize({ width: 1280, height: 1100 });
  await page.goto('zh/' + chapter);
  await expect(page.locator('opslab-lab .opslab-title')).toHaveText('被 istiod 漏掉的域名');
  await start(page);
  await typeCommand(page, 'istioctl x internal-debug syncz | grep -c proxy_type', /^5$/);
  await expect(task(page, 'read-sync-status')).toHaveAttribute('data-done', 'true');
  await typeCommand(page, 'kubectl exec -n istio-system deploy/istiod -- curl -s localhost:15014/metrics | grep "^pilot_xds{"', 'pilot_xds{version="1.24.3"} 5');
  await page.getByRole('button', { name: '显示一条提示' }).click();
  await page.locator('opslab-lab').screenshot({ path: '/tmp/labs-debug-istiod-zh.png' });
  expect(consoleErrors).toEqual([]);
});
