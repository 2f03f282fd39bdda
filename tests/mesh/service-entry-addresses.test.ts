// A ServiceEntry with `addresses` is the external service's VIP: Istio builds an
// ADDRESS_PORT listener for each of its TCP ports, more specific than any
// 0.0.0.0_PORT listener (Istio ServiceEntry docs: "addresses … the virtual IP
// addresses associated with the service"; IST0134: without addresses, all
// traffic on the port is matched, whatever the host). The demo fixture's
// catalog Service has an HTTP port 5000, the case of guide chapter
// server-speaks-first.
import { describe, expect, it } from 'vitest';
import { mesh } from './fixtures.ts';

const MYSQL_AT_5000 = `apiVersion: opslab.dev/v1
kind: AppBehavior
metadata: {name: reports-db, namespace: demo}
spec:
  hosts: [192.0.2.40]
  protocol: mysql
`;

const entry = (addresses: string, protocol: string) => `---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: reports-db, namespace: demo}
spec:
  hosts: [reports-db.example.internal]
  ${addresses}
  location: MESH_EXTERNAL
  resolution: STATIC
  endpoints: [{address: 192.0.2.40}]
  ports: [{number: 5000, name: db, protocol: ${protocol}}]
`;

function listenersOf(m: ReturnType<typeof mesh>) {
  const pod = m.pod('demo/toolbox')!;
  return m.sim.config(pod)!.listeners.map((l) => `${l.name} ${l.kind} ${l.tcpCluster ?? ''}`.trim());
}

function connect(m: ReturnType<typeof mesh>) {
  return m.run(m.pod('demo/toolbox')!, ['mysql', '-h', '192.0.2.40', '-P', '5000', '--connect-timeout=3']);
}

describe('ServiceEntry addresses', () => {
  it('without a ServiceEntry, a MySQL server on port 5000 meets the HTTP listener and hangs', () => {
    const m = mesh(MYSQL_AT_5000);
    expect(listenersOf(m)).toContain('0.0.0.0_5000 http');
    const r = connect(m);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain("at 'reading initial communication packet'");
  });

  it('a TCP port with a /32 address gets its own listener, which takes the connection', () => {
    const m = mesh(MYSQL_AT_5000 + entry('addresses: [192.0.2.40/32]', 'TCP'));
    expect(listenersOf(m)).toContain('192.0.2.40_5000 tcp outbound|5000||reports-db.example.internal');
    const r = connect(m);
    expect(r.exitCode).toBe(0);
    expect(r.outcome!.hops[0]!.entry.upstream_cluster).toBe('outbound|5000||reports-db.example.internal');
    expect(r.outcome!.hops[0]!.entry.upstream_host).toBe('192.0.2.40:5000');
  });

  it('a bare IP works like /32', () => {
    const m = mesh(MYSQL_AT_5000 + entry('addresses: [192.0.2.40]', 'TCP'));
    expect(listenersOf(m)).toContain('192.0.2.40_5000 tcp outbound|5000||reports-db.example.internal');
  });

  it('an HTTP port, or an entry without addresses, gets no address listener', () => {
    expect(listenersOf(mesh(MYSQL_AT_5000 + entry('addresses: [192.0.2.40/32]', 'HTTP'))).filter((l) => l.startsWith('192.0.2.40_'))).toEqual([]);
    const none = mesh(MYSQL_AT_5000 + entry('', 'TCP'));
    expect(listenersOf(none).filter((l) => l.startsWith('192.0.2.40_'))).toEqual([]);
  });
});
