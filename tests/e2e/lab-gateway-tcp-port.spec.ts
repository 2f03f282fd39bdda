// Plays the gateway-tcp-port lab as a learner: port 7000 is on the gateway's
// Service, but the MySQL client's connect is refused (111); the gateway lists
// no 7000 listener and istiod's log says it omitted one with no filter chain.
// A tcp route typed in Monaco and applied opens the port. Also screenshots
// both languages.
import { test, expect } from './fixtures.ts';
import { labPage, screenshotTests, answer } from './lab-play.ts';

const chapter = 'common-problem/gateway-tcp-port/';
const CONNECT = 'mysql -h istio-ingressgateway.istio-system -P 7000 -u bi';
const REFUSED = "Can't connect to MySQL server on 'istio-ingressgateway.istio-system:7000' (111)";
const LISTENERS = 'istioctl proxy-config listeners deploy/istio-ingressgateway -n istio-system';
// A string: the row is longer than the terminal is wide, and screen() joins wrapped rows.
const TCP_LISTENER = 'Cluster: outbound|3306||reports-db.reports.svc.cluster.local';

test('plays the gateway-tcp-port lab', async ({ page, consoleErrors }) => {
  const { start, run, screen, task, typeInEditor } = labPage(page, 'gateway-tcp-port');
  await page.setViewportSize({ width: 1280, height: 1000 });
  await page.goto(chapter);
  await start();
  await expect(page.locator('.opslab-progress')).toHaveText('0 of 6 done');

  await run('kubectl get svc -n istio-system', '/TCP,7000:'); // wraps: a string is looked for across rows
  await expect(task('service-ports')).toHaveAttribute('data-done', 'true');
  await run('clear');
  await run(CONNECT, REFUSED);
  const error = task('connect-error');
  await answer(error, { choose: 'It timed out', exact: false }, 'wrong');
  await answer(error, { choose: 'It was refused', exact: false }, 'right');

  await run('clear');
  await run(LISTENERS, 'Inline Route: /stats/prometheus*');
  expect(await screen()).not.toMatch(/0\.0\.0\.0\s+7000/);
  await expect(task('list-listeners')).toHaveAttribute('data-done', 'true');
  await run('clear');
  await run('kubectl logs deploy/istiod -n istio-system', 'must have more than 0 chains');
  const why = task('istiod-log');
  await answer(why, { choose: 'Another Gateway already uses port 7000', exact: false }, 'wrong');
  await answer(why, { choose: 'No VirtualService bound to reports-gateway has a tcp route', exact: false }, 'right');

  // The tcp route, typed at the end of reports-edge.yaml (the editor's first file).
  const editor = page.locator('.opslab-editor .monaco-editor').first();
  await editor.click();
  await page.keyboard.press('Control+End');
  await typeInEditor([
    '  tcp:',
    '  - match:',
    '    - port: 7000',
    '    route:',
    '    - destination:',
    '        host: reports-db.reports.svc.cluster.local',
    '        port:',
    '          number: 3306',
  ]);
  await expect(task('add-tcp-route')).toHaveAttribute('data-done', 'true');
  // Written but not applied: the port is still closed.
  await expect(task('connect-works')).toHaveAttribute('data-done', 'false');
  await run('clear');
  await run('kubectl apply -f reports-edge.yaml', 'virtualservice.networking.istio.io/reports-edge configured');
  await expect(task('connect-works')).toHaveAttribute('data-done', 'true');
  await expect(page.locator('.opslab-progress')).toHaveText('6 of 6 done');

  await run('clear');
  await run(LISTENERS, TCP_LISTENER);
  await run(CONNECT, 'Welcome to the MySQL monitor.');
  await page.screenshot({ path: '/tmp/labs-sim/gateway-tcp-port-en-done.png' });
  expect(consoleErrors).toEqual([]);
});

screenshotTests({
  id: 'gateway-tcp-port',
  chapter,
  zhTitle: '声明了却打不开的端口',
  steps: [
    [CONNECT, REFUSED],
    [LISTENERS, 'Inline Route: /stats/prometheus*'],
  ],
});

test('the chapter pages render in both languages', async ({ page, consoleErrors }) => {
  await page.setViewportSize({ width: 1280, height: 1000 });
  for (const [path, heading] of [[chapter, 'A TCP port on the gateway cannot be reached'], ['zh/' + chapter, '无法连接 Gateway 上的 TCP 端口']] as const) {
    await page.goto(path);
    await expect(page.locator('h1')).toHaveText(heading);
    // Ready: no "in progress" badge on its sidebar entry, no "being written" note.
    await expect(page.locator('nav a[aria-current="page"] .sl-badge')).toHaveCount(0);
    await expect(page.locator('.starlight-aside--caution')).toHaveCount(0);
    await page.screenshot({ path: `/tmp/labs-sim/gateway-tcp-port-chapter-${path.startsWith('zh') ? 'zh' : 'en'}.png`, fullPage: true });
  }
  expect(consoleErrors).toEqual([]);
});
