// Lab server-speaks-first (guide chapter "Server Speaks First 协议访问失败"):
// MySQL is server-first, so a client waits for the server's greeting. The
// catalog team's pricing Service declares port 4000 as http, which gives every
// sidecar an HTTP listener on 0.0.0.0:4000; a connection to the ledger database
// at 10.40.9.14:4000 lands there, the sidecar waits for an HTTP request and
// opens nothing upstream, and the client times out with ERROR 2013. A
// ServiceEntry with the database's address and a TCP port gives it a listener
// of its own, which wins over 0.0.0.0:4000.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { labShell as labShellOf } from './fixtures.ts';
import { loadLabWithFiles, type ResolvedLab } from '../../src/lab/load-node.ts';
import { replaySolution } from '../../src/lab/replay.ts';

const DIR = 'labs/server-speaks-first/scenario';
const LEDGER = 'mysql -h 10.40.9.14 -P 4000 -u invoicer -psecret --connect-timeout=10';
const ORDERS = 'mysql -h 10.40.7.21 -P 3306 -u invoicer -psecret';
const LOGS = 'kubectl logs deploy/invoicer -n billing -c istio-proxy';
const LOST = "ERROR 2013 (HY000): Lost connection to MySQL server at 'reading initial communication packet'";
const WELCOME = 'Welcome to the MySQL monitor.';

const labShell = () => labShellOf(DIR, 'billing/invoicer');

/** The ServiceEntry of the fix, written out by hand (the lab's solution has its own copy). */
const LEDGER_ENTRY = `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata:
  name: ledger-db
  namespace: billing
spec:
  hosts:
  - ledger-db.billing.internal
  addresses:
  - 10.40.9.14/32
  location: MESH_EXTERNAL
  resolution: STATIC
  endpoints:
  - address: 10.40.9.14
  ports:
  - number: 4000
    name: tcp-mysql
    protocol: TCP
`;

describe('lab server-speaks-first', () => {
  it('orders on 3306 answers; ledger on 4000 hangs and leaves no access-log line', async () => {
    const { shell } = labShell();
    const orders = await shell.run(ORDERS);
    expect(orders.exitCode).toBe(0);
    expect(orders.stdout).toContain(WELCOME);
    const ledger = await shell.run(LEDGER);
    expect(ledger.exitCode).toBe(1);
    expect(ledger.stdout).toBe('');
    expect(ledger.stderr).toContain(LOST);
    const log = (await shell.run(LOGS)).stdout.trim().split('\n');
    expect(log).toHaveLength(1);
    // A TCP line: no method, path or protocol, the original destination, PassthroughCluster.
    expect(log[0]).toMatch(/^\[[^\]]+\] "- - -" 0 /);
    expect(log[0]).toContain('"10.40.7.21:3306" PassthroughCluster ');
    expect(log.join('\n')).not.toContain('10.40.9.14');
  });

  it('the same, through kubectl exec into the invoicer pod', async () => {
    const { shell } = labShell();
    const r = await shell.run(`kubectl exec deploy/invoicer -n billing -- ${LEDGER}`);
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toContain(LOST);
  });

  it("port 4000 is the pricing Service's HTTP port on every sidecar", async () => {
    const { shell } = labShell();
    const listeners = (await shell.run('istioctl proxy-config listeners deploy/invoicer -n billing --port 4000')).stdout;
    expect(listeners).toMatch(/^0\.0\.0\.0\s+4000\s+ALL\s+Route: 4000$/m);
    const routes = (await shell.run('istioctl proxy-config routes deploy/invoicer -n billing --name 4000')).stdout;
    expect(routes).toContain('pricing.catalog.svc.cluster.local:4000');
    // And 3306 has no listener: its connection goes to the 15001 catch-all.
    expect((await shell.run('istioctl proxy-config listeners deploy/invoicer -n billing --port 3306')).stdout).not.toMatch(/\s3306\s/);
  });

  it('after the ServiceEntry is applied, 10.40.9.14:4000 has a TCP listener and the greeting comes through', async () => {
    const { fs, shell } = labShell();
    fs.write('ledger-db.yaml', LEDGER_ENTRY);
    expect((await shell.run('kubectl apply -f ledger-db.yaml')).stdout).toContain('serviceentry.networking.istio.io/ledger-db');
    const listeners = (await shell.run('istioctl proxy-config listeners deploy/invoicer -n billing --port 4000')).stdout;
    expect(listeners).toMatch(/^10\.40\.9\.14\s+4000\s+ALL\s+Cluster: outbound\|4000\|\|ledger-db\.billing\.internal$/m);
    const ledger = await shell.run(LEDGER);
    expect(ledger.exitCode).toBe(0);
    expect(ledger.stdout).toContain(WELCOME);
    // By name too: the ServiceEntry's host resolves to its address.
    expect((await shell.run('mysql -h ledger-db.billing.internal -P 4000 -u invoicer')).exitCode).toBe(0);
    const log = (await shell.run(LOGS)).stdout.trim().split('\n');
    expect(log[0]).toContain('"10.40.9.14:4000" outbound|4000||ledger-db.billing.internal ');
  });

  it('editing the file without applying it changes nothing', async () => {
    const { fs, shell } = labShell();
    fs.write('ledger-db.yaml', LEDGER_ENTRY);
    expect((await shell.run(LEDGER)).stderr).toContain(LOST);
  });

  it("the lab's request check fails before the fix and passes after the solution", async () => {
    const lab = loadLabWithFiles('server-speaks-first') as ResolvedLab;
    expect(lab.tasks.find((t) => t.id === 'ledger-connects')?.check.kind).toBe('request');
    const { before, after, problems } = await replaySolution(lab);
    expect(problems).toEqual([]);
    expect(before['ledger-connects']).toEqual({ status: 'fail' });
    expect(before['declare-tcp']).toEqual({ status: 'fail' });
    expect(after['ledger-connects']).toEqual({ status: 'pass' });
    expect(Object.values(after).every((o) => o.status === 'pass')).toBe(true);
  });

  it('the scenario file the learner starts from declares nothing', () => {
    const text = readFileSync(`${DIR}/ledger-db.yaml`, 'utf8');
    expect(text.split('\n').every((l) => l === '' || l.startsWith('#'))).toBe(true);
  });
});
