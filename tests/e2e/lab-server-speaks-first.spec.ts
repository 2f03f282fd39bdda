// Plays the server-speaks-first lab as a learner: the orders database greets at
// once, the ledger database on port 4000 hangs until the client's timeout and
// leaves no access-log line; the sidecar's 0.0.0.0:4000 listener is the pricing
// Service's HTTP port. A ServiceEntry with the database's address and a TCP
// port, typed in Monaco and applied, gives it a listener of its own and the
// greeting comes through. Also screenshots both languages.
import { test, expect } from './fixtures.ts';
import { labPage, screenshotTests, answer } from './lab-play.ts';

const chapter = 'common-problem/server-speaks-first/';
const ORDERS = 'mysql -h 10.40.7.21 -P 3306 -u invoicer';
const LEDGER = 'mysql -h 10.40.9.14 -P 4000 -u invoicer --connect-timeout=10';
const WELCOME = 'Welcome to the MySQL monitor.';
const LOST = "at 'reading initial communication packet'";

test('plays the server-speaks-first lab', async ({ page, consoleErrors }) => {
  const { start, run, screen, task, typeInEditor, lab } = labPage(page, 'server-speaks-first');
  await page.setViewportSize({ width: 1280, height: 1000 });
  await page.goto(chapter);
  await start();
  await expect(page.locator('.opslab-progress')).toHaveText('0 of 8 done');

  await run(ORDERS, WELCOME);
  await expect(task('orders-connects')).toHaveAttribute('data-done', 'true');
  await run('clear');
  await run(LEDGER, LOST);
  expect(await screen()).not.toContain(WELCOME);
  const hangs = task('ledger-hangs');
  await answer(hangs, { choose: "ERROR 2003 Can't connect", exact: false }, 'wrong');
  await answer(hangs, { choose: 'ERROR 2013', exact: false }, 'right');

  // Only the orders connection is in the sidecar's log.
  await run('clear');
  await run('kubectl logs deploy/invoicer -n billing -c istio-proxy', 'PassthroughCluster');
  expect(await screen()).not.toContain('10.40.9.14');
  await answer(task('read-log'), { choose: 'the ledger connection left no line at all', exact: false }, 'right');

  await run('clear');
  await run('istioctl proxy-config listeners deploy/invoicer -n billing --port 4000', 'Route: 4000');
  await expect(task('list-listeners')).toHaveAttribute('data-done', 'true');
  await run('istioctl proxy-config routes deploy/invoicer -n billing --name 4000', 'pricing.catalog.svc.cluster.local:4000');
  const owner = task('port-owner');
  await answer(owner, { type: 'billing/ledger-db' }, 'wrong');
  await answer(owner, { type: 'catalog/pricing' }, 'right');
  await answer(task('why-hang'), { choose: 'neither side ever speaks', exact: false }, 'right');

  // The ServiceEntry, typed below the comments of ledger-db.yaml.
  await lab.locator('.opslab-tab', { hasText: 'ledger-db.yaml' }).first().click();
  const editor = page.locator('.opslab-editor .monaco-editor').first();
  await editor.click();
  await page.keyboard.press('Control+End');
  await typeInEditor([
    'apiVersion: networking.istio.io/v1',
    'kind: ServiceEntry',
    'metadata:',
    '  name: ledger-db',
    '  namespace: billing',
    'spec:',
    '  hosts:',
    '  - ledger-db.billing.internal',
    '  addresses:',
    '  - 10.40.9.14/32',
    '  location: MESH_EXTERNAL',
    '  resolution: STATIC',
    '  endpoints:',
    '  - address: 10.40.9.14',
    '  ports:',
    '  - number: 4000',
    '    name: tcp-mysql',
    '    protocol: TCP',
  ]);
  await expect(task('declare-tcp')).toHaveAttribute('data-done', 'true');
  // Written but not applied: the mesh has not changed yet.
  await expect(task('ledger-connects')).toHaveAttribute('data-done', 'false');
  await run('clear');
  await run('kubectl apply -f ledger-db.yaml', 'serviceentry.networking.istio.io/ledger-db');
  await expect(task('ledger-connects')).toHaveAttribute('data-done', 'true');
  await expect(page.locator('.opslab-progress')).toHaveText('8 of 8 done');

  // The database now has its own TCP listener, and the greeting comes through.
  await run('clear');
  await run('istioctl proxy-config listeners deploy/invoicer -n billing --port 4000', /^10\.40\.9\.14\s+4000\s+ALL\s+Cluster: outbound\|4000\|\|ledger-db\.billing\.internal$/);
  await run(LEDGER, WELCOME);
  await run('kubectl logs deploy/invoicer -n billing -c istio-proxy', 'outbound|4000||ledger-db.billing.internal');
  await page.screenshot({ path: '/tmp/labs-sim/server-speaks-first-en-done.png' });
  expect(consoleErrors).toEqual([]);
});

screenshotTests({
  id: 'server-speaks-first',
  chapter,
  zhTitle: '迟迟不打招呼的数据库',
  steps: [
    [ORDERS, WELCOME],
    [LEDGER, LOST],
    ['istioctl proxy-config listeners deploy/invoicer -n billing --port 4000', 'Route: 4000'],
  ],
});
