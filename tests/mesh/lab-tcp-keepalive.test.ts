// Lab tcp-keepalive (guide chapter "长连接未开启 tcp keepalive"): `sleep` moves
// the simulated clock, so a pooled connection can sit idle past the internal
// load balancer's 900 s; the next call on it meets a RST and the caller's
// sidecar logs 503 UC upstream_reset_before_response_started{connection_termination}.
// A DestinationRule tcpKeepalive with time below 900 s keeps it alive.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { labShell as labShellOf } from './fixtures.ts';

const DIR = 'labs/tcp-keepalive/scenario';
const CALL = 'curl -s -o /dev/null -w %{http_code} http://ledger.billing.internal/balance';

const labShell = () => labShellOf(DIR, 'shop/web');

describe('lab tcp-keepalive', () => {
  it('sleep moves the clock by its argument (s, m, h, d; seconds without a suffix) and prints how much', async () => {
    const { mesh, shell } = labShell();
    const before = mesh.sim.clock;
    const r = await shell.run('sleep 20m');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe('(20m passed on the simulated clock)\n');
    expect(mesh.sim.clock - before).toBe(20 * 60_000);
    await shell.run('sleep 1h 30 0.5');
    expect(mesh.sim.clock - before).toBe(20 * 60_000 + 3_600_000 + 30_500);
  });

  it('sleep rejects a missing or unreadable interval without moving the clock', async () => {
    const { mesh, shell } = labShell();
    const before = mesh.sim.clock;
    const missing = await shell.run('sleep');
    expect(missing.exitCode).not.toBe(0);
    expect(missing.stderr).toContain('sleep: missing operand');
    const bad = await shell.run('sleep 5x');
    expect(bad.exitCode).not.toBe(0);
    expect(bad.stderr).toContain("sleep: invalid time interval '5x'");
    expect(mesh.sim.clock).toBe(before);
  });

  it('a call after 20 idle minutes fails with UC on the connection the good call used', async () => {
    const { shell } = labShell();
    expect((await shell.run(CALL)).stdout).toBe('200');
    expect((await shell.run('sleep 5m')).exitCode).toBe(0);
    expect((await shell.run(CALL)).stdout).toBe('200');
    await shell.run('sleep 20m');
    expect((await shell.run(CALL)).stdout).toBe('503');
    const log = (await shell.run('kubectl logs deploy/web -n shop -c istio-proxy')).stdout.trim().split('\n');
    expect(log).toHaveLength(3);
    expect(log[2]).toContain('" 503 UC upstream_reset_before_response_started{connection_termination} ');
    // The first pod address on the line is the upstream local address: the sidecar's end of the connection.
    const local = (line: string) => line.split(' ').find((f) => /^10\.244\.\d+\.\d+:\d+$/.test(f));
    expect(local(log[2]!)).toBe(local(log[0]!));
  });

  it('with tcpKeepalive time 300s applied, the call after 20 idle minutes succeeds', async () => {
    const { fs, shell } = labShell();
    fs.write('ledger-dr.yaml', readFileSync(`${DIR}/ledger-dr.yaml`, 'utf8').replace('        connectTimeout: 5s\n', '        connectTimeout: 5s\n        tcpKeepalive:\n          time: 300s\n          interval: 30s\n          probes: 4\n'));
    expect((await shell.run('kubectl apply -f ledger-dr.yaml')).exitCode).toBe(0);
    expect((await shell.run(CALL)).stdout).toBe('200');
    await shell.run('sleep 20m');
    expect((await shell.run(CALL)).stdout).toBe('200');
  });
});
