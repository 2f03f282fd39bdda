// Lab upstream-connection-termination (guide chapter "503 UC
// upstream_reset_before_response_started"): inventory's Node.js server closes a
// keep-alive connection 5 s after its last response (Node's server.keepAliveTimeout
// default, 5000 ms), checkout's sidecar keeps pooled connections for Istio's
// default idleTimeout of 1 h, and a call that lands while Node closes the
// connection fails with 503 UC …{connection_termination}. Istio's default retry
// policy (retryOn connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes)
// does not retry it. Fixes: connectionPool.http.idleTimeout below 5 s, a retry on
// `reset`, or a server keep-alive longer than the client's pause.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { labShell as labShellOf } from './fixtures.ts';

const DIR = 'labs/upstream-connection-termination/scenario';
const CALL = 'curl -s -o /dev/null -w %{http_code} http://inventory.shop:3000/stock/sku-1042';
const LOG = 'kubectl logs deploy/checkout -n shop -c istio-proxy';

const labShell = () => labShellOf(DIR, 'shop/checkout');
/** The upstream local address on a log line: the first pod address, the sidecar's end of the connection. */
const local = (line: string) => line.split(' ').find((f) => /^10\.244\.\d+\.\d+:\d+$/.test(f));
const startMs = (line: string) => Date.parse(line.slice(1, line.indexOf(']')));

describe('lab upstream-connection-termination', () => {
  it('a call 5 s after the last one meets the connection Node is closing: 503 UC on the same connection', async () => {
    const { shell } = labShell();
    expect((await shell.run(CALL)).stdout).toBe('200');
    await shell.run('sleep 5');
    expect((await shell.run(CALL)).stdout).toBe('503');
    const log = (await shell.run(LOG)).stdout.trim().split('\n');
    expect(log).toHaveLength(2);
    expect(log[1]).toContain('"GET /stock/sku-1042 HTTP/1.1" 503 UC upstream_reset_before_response_started{connection_termination} ');
    expect(log[1]).toContain(' outbound|3000||inventory.shop.svc.cluster.local ');
    expect(local(log[1]!)).toBe(local(log[0]!));
    // Just over Node's 5 s keep-alive apart (each shell command adds its own second).
    const gap = startMs(log[1]!) - startMs(log[0]!);
    expect(gap).toBeGreaterThanOrEqual(5000);
    expect(gap).toBeLessThan(7000);
    // The failed connection left the pool: the next call opens a new one.
    expect((await shell.run('curl -s http://inventory.shop:3000/stock/sku-1042')).stdout).toContain('"available": 37');
  });

  it('shorter and longer pauses both succeed; only the longer one needs a new connection', async () => {
    const { shell } = labShell();
    await shell.run(CALL);
    await shell.run('sleep 2');
    expect((await shell.run(CALL)).stdout).toBe('200');
    await shell.run('sleep 1m');
    expect((await shell.run(CALL)).stdout).toBe('200');
    const log = (await shell.run(LOG)).stdout.trim().split('\n');
    expect(log.every((l) => l.includes('" 200 - via_upstream '))).toBe(true);
    expect(local(log[1]!)).toBe(local(log[0]!));
    expect(local(log[2]!)).not.toBe(local(log[1]!));
  });

  it('the failed call shows Envoy local reply text, and the route carries Istio default retry policy without reset', async () => {
    const { shell } = labShell();
    await shell.run(CALL);
    await shell.run('sleep 5');
    expect((await shell.run('curl -s http://inventory.shop:3000/stock/sku-1042')).stdout).toBe('upstream connect error or disconnect/reset before headers. reset reason: connection termination');
    const route = (await shell.run('istioctl proxy-config route deploy/checkout -n shop --name 3000 -o json')).stdout;
    expect(route).toContain('"retryOn": "connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes"');
    expect(route).toContain('"numRetries": 2');
  });

  it('fix: connectionPool.http.idleTimeout 4s makes the sidecar close first', async () => {
    const { fs, shell } = labShell();
    fs.write('inventory-dr.yaml', readFileSync(`${DIR}/inventory-dr.yaml`, 'utf8').replace('        http1MaxPendingRequests: 100\n', '        http1MaxPendingRequests: 100\n        idleTimeout: 4s\n'));
    expect((await shell.run('kubectl apply -f inventory-dr.yaml')).stdout).toContain('destinationrule.networking.istio.io/inventory configured');
    for (const pause of ['sleep 5', 'sleep 4', 'sleep 5']) {
      expect((await shell.run(CALL)).stdout).toBe('200');
      await shell.run(pause);
    }
    expect((await shell.run(CALL)).stdout).toBe('200');
    const cluster = (await shell.run('istioctl proxy-config cluster deploy/checkout -n shop --fqdn inventory.shop.svc.cluster.local -o json')).stdout;
    expect(cluster).toContain('"idleTimeout": "4s"');
  });

  it('fix: a VirtualService retry on reset sends the call again on a new connection', async () => {
    const { fs, shell } = labShell();
    fs.write('inventory-vs.yaml', readFileSync(`${DIR}/inventory-vs.yaml`, 'utf8').replace('    timeout: 3s\n', '    timeout: 3s\n    retries:\n      attempts: 2\n      retryOn: connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes,reset\n'));
    expect((await shell.run('kubectl apply -f inventory-vs.yaml')).exitCode).toBe(0);
    await shell.run(CALL);
    await shell.run('sleep 5');
    expect((await shell.run(CALL)).stdout).toBe('200');
    const log = (await shell.run(LOG)).stdout.trim().split('\n');
    // One line per downstream request: the retry stays inside the sidecar, on a new connection.
    expect(log).toHaveLength(2);
    expect(log[1]).toContain('" 200 - via_upstream ');
    expect(local(log[1]!)).not.toBe(local(log[0]!));
  });

  it('raising Node keep-alive only moves the race to a longer pause', async () => {
    const apps = readFileSync(`${DIR}/apps.yaml`, 'utf8');
    const { fs, shell } = labShell();
    fs.write('apps.yaml', apps.replace('keepaliveTimeout: 5s', 'keepaliveTimeout: 6m'));
    expect((await shell.run('kubectl apply -f apps.yaml')).exitCode).toBe(0);
    await shell.run(CALL);
    await shell.run('sleep 5');
    expect((await shell.run(CALL)).stdout).toBe('200');
    // Still shorter than the sidecar's 1 h: a pause of just over 6 minutes meets it again.
    await shell.run('sleep 6m');
    expect((await shell.run(CALL)).stdout).toBe('503');
  });
});
