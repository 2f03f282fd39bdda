// Plays the envoy-profiler lab as a learner: /memory through kubectl exec, the
// heap profile through a port-forward with pprof -top, -base and the flame
// graph, the stats page, the answers, and the Telemetry fix. Screenshots in
// English and Chinese.
import type { Page } from '@playwright/test';
import { test, expect } from './fixtures.ts';
import { labPage, task, typeCommand, answer } from './lab-play.ts';

const chapter = 'debug-istio/envoy-profiler/';

const start = (page: Page) => labPage(page, 'envoy-profiler').start();

test('plays the envoy-profiler lab: /memory, heap profile, flame graph, stats, fix', async ({ page, consoleErrors }) => {
  await page.setViewportSize({ width: 1280, height: 1100 });
  await page.goto(chapter);
  await start(page);
  await expect(page.locator('.opslab-progress')).toHaveText('0 of 7 done');
  // The analyzer reads the binary profile file too.
  await expect(page.locator('.opslab-findings li[data-code="OPS502"]', { hasText: '78.8% of the heap (299.4 MiB)' })).toBeVisible();
  await expect(page.locator('.opslab-findings li[data-code="OPS307"]')).toContainText('request_path');

  await typeCommand(page, 'kubectl exec -n istio-system deploy/istio-ingressgateway -- pilot-agent request GET memory', '"allocated": "405274624",');
  await expect(task(page, 'read-memory')).toHaveAttribute('data-done', 'true');
  await typeCommand(page, 'grep allocated saved-0900/memory.json', '"allocated": "201326592",');
  await answer(task(page, 'memory-verdict'), { choose: 'allocated doubled: the data Envoy itself holds keeps growing' }, 'right');

  // The profile is fetched from the admin port once it is forwarded.
  await typeCommand(page, 'kubectl -n istio-system port-forward deploy/istio-ingressgateway 15000', 'Forwarding from 127.0.0.1:15000 -> 15000');
  // The full list is longer than the terminal; its head is what the chapter shows.
  await typeCommand(page, 'pprof -top http://localhost:15000/heap_dump | head -5', 'Showing nodes accounting for 351.20MB, 92.47% of 379.80MB total');
  await expect(page.locator('.opslab-terminal .xterm-rows')).toContainText('141.30MB 37.20% 37.20%   141.30MB 37.20%  Envoy::Stats::SymbolTableImpl::addTokensToEncoding');
  await expect(task(page, 'heap-top')).toHaveAttribute('data-done', 'true');
  await typeCommand(page, 'pprof -top -base saved-0900/heap.pb.gz http://localhost:15000/heap_dump | head -5', 'Showing nodes accounting for 216.10MB, 100.00% of 216.10MB total');
  await typeCommand(page, 'pprof -http=localhost:8000 http://localhost:15000/heap_dump', 'Serving web UI on http://localhost:8000');
  await expect(page.locator('.opslab-terminal .xterm-rows')).toContainText('[Envoy::Extensions::HttpFilters::IstioStats::IstioStats');
  await expect(task(page, 'flame-graph')).toHaveAttribute('data-done', 'true');
  await page.locator('opslab-lab').screenshot({ path: '/tmp/labs-debug-profiler-en-flame.png' });

  await answer(task(page, 'who-holds-it'), { choose: 'Configuration: clusters and routes for every service, because no Sidecar resource limits them' }, 'wrong');
  await answer(task(page, 'who-holds-it'), { choose: 'Statistics: stat names and counters, with new ones created as requests come in' }, 'right');

  await typeCommand(page, 'curl -s localhost:15000/stats/prometheus | grep -c "^istio_requests_total"', /^67$/);
  await answer(task(page, 'which-tag'), { type: 'request_path' }, 'right');

  // The fix: the request_path override becomes operation: REMOVE.
  await page.locator('.opslab-tab', { hasText: 'telemetry.yaml' }).first().click();
  const editor = page.locator('.opslab-editor .monaco-editor').first();
  await editor.click();
  await page.keyboard.press('Control+End');
  await page.keyboard.press('ArrowUp');
  await page.keyboard.press('End');
  await page.keyboard.press('Shift+Home');
  await page.keyboard.type('operation: REMOVE');
  await page.keyboard.press('Escape');
  await expect(editor.locator('.view-lines')).toContainText('operation: REMOVE');
  await expect(task(page, 'stop-growth')).toHaveAttribute('data-done', 'true');
  await expect(page.locator('.opslab-findings li[data-code="OPS307"]')).toHaveCount(0);
  await typeCommand(page, 'kubectl apply -f telemetry.yaml', 'telemetry.telemetry.istio.io/gateway-path-metrics configured');
  await expect(page.locator('.opslab-progress')).toHaveText('7 of 7 done');
  await expect(page.locator('.opslab-explanation')).toContainText('request.url_path');
  await page.locator('opslab-lab').screenshot({ path: '/tmp/labs-debug-profiler-en-done.png' });
  expect(consoleErrors).toEqual([]);
});

test('envoy-profiler in Chinese: the profile file in the editor and pprof in the terminal', async ({ page, consoleErrors }) => {
  await page.setViewportSize({ width: 1280, height: 1100 });
  await page.goto('zh/' + chapter);
  await expect(page.locator('opslab-lab .opslab-title')).toHaveText('越来越胖的网关');
  await start(page);
  // A binary profile is not shown as bytes: the editor says how to read it.
  await page.locator('.opslab-tab', { hasText: 'saved-0900/heap.pb.gz' }).first().click();
  await expect(page.locator('.opslab-editor .monaco-editor .view-lines').first()).toContainText('binary pprof profile');
  await typeCommand(page, 'pprof -http=localhost:8000 gateway-15000/heap_dump.pb.gz', '本实验把 pprof 的 Flame Graph 视图画成文本');
  await expect(task(page, 'flame-graph')).toHaveAttribute('data-done', 'true');
  await page.locator('opslab-lab').screenshot({ path: '/tmp/labs-debug-profiler-zh.png' });
  expect(consoleErrors).toEqual([]);
});
