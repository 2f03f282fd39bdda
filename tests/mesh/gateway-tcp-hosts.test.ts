// istiod binds a VirtualService's tcp route to a Gateway TCP server only when the
// VirtualService names the Gateway, one of its hosts matches one of the server's hosts
// (pickMatchingGatewayHosts: wildcards on either side; `ns/host` only for VirtualServices
// of that namespace), and the rule's match fits the server port and, when it lists
// gateways, this Gateway (l4SingleMatch). Otherwise no listener: the port refuses.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { labShell } from './fixtures.ts';

const DIR = 'labs/gateway-tcp-port/scenario';
const CONNECT = 'mysql -h istio-ingressgateway.istio-system -P 7000 -u bi';
const LISTENERS = 'istioctl proxy-config listeners deploy/istio-ingressgateway -n istio-system';
const REFUSED = "ERROR 2003 (HY000): Can't connect to MySQL server on 'istio-ingressgateway.istio-system:7000' (111)\n";

/** The lab's edge VirtualService with extra hosts and a tcp rule for 7000 (its match given as YAML flow). */
const edgeVs = (hosts: string[], match = '{port: 7000}') => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reports-edge, namespace: reports}
spec:
  hosts: ${JSON.stringify(hosts)}
  gateways: [reports-gateway]
  tcp:
  - match: [${match}]
    route: [{destination: {host: reports-db.reports.svc.cluster.local, port: {number: 3306}}}]
`;

/** The lab's Gateway with the TCP server's hosts replaced. */
const gateway = (tcpHosts: string[]) => readFileSync(`${DIR}/reports-gateway.yaml`, 'utf8').replace(/(tcp-reports-db\n\s+protocol: TCP\n\s+hosts:\n)\s+- "\*"\n/, `$1${tcpHosts.map((h) => `    - "${h}"\n`).join('')}`);

async function play(tcpHosts: string[], vsHosts: string[], match?: string) {
  const { shell, fs } = labShell(DIR, 'outside/analyst');
  const gw = gateway(tcpHosts);
  expect(gw).toContain(`- "${tcpHosts[0]}"`);
  fs.write('reports-gateway.yaml', gw);
  fs.write('reports-edge.yaml', edgeVs(vsHosts, match));
  expect((await shell.run('kubectl apply -f reports-gateway.yaml')).exitCode).toBe(0);
  expect((await shell.run('kubectl apply -f reports-edge.yaml')).exitCode).toBe(0);
  const listening = /^0\.0\.0\.0 +7000 /m.test((await shell.run(LISTENERS)).stdout);
  const connect = await shell.run(CONNECT);
  return { listening, connect };
}

describe('gateway TCP server: the VirtualService must match its hosts', () => {
  it('server host "*" takes any VirtualService host (the lab as shipped)', async () => {
    const r = await play(['*'], ['reports.example.com']);
    expect(r.listening).toBe(true);
    expect(r.connect.exitCode).toBe(0);
  });

  it('no host in common: no listener, the connect is refused', async () => {
    const r = await play(['db.reports.example.com'], ['reports.example.com']);
    expect(r.listening).toBe(false);
    expect(r.connect.stderr).toBe(REFUSED);
  });

  it('the same host, or a wildcard server host covering it, builds the listener', async () => {
    expect((await play(['db.reports.example.com'], ['reports.example.com', 'db.reports.example.com'])).listening).toBe(true);
    expect((await play(['*.reports.example.com'], ['db.reports.example.com'])).listening).toBe(true);
    // A wildcard on the VirtualService side matches a concrete server host too.
    expect((await play(['db.reports.example.com'], ['*.example.com'])).listening).toBe(true);
  });

  it('ns/host takes only VirtualServices of that namespace', async () => {
    expect((await play(['finance/*'], ['reports.example.com'])).listening).toBe(false);
    expect((await play(['reports/*'], ['reports.example.com'])).listening).toBe(true);
    expect((await play(['./*'], ['reports.example.com'])).listening).toBe(true);
  });

  it("a tcp match that lists other gateways, or another port, does not apply to this server", async () => {
    expect((await play(['*'], ['reports.example.com'], '{port: 7000, gateways: [other-gateway]}')).listening).toBe(false);
    expect((await play(['*'], ['reports.example.com'], '{port: 7001}')).listening).toBe(false);
    expect((await play(['*'], ['reports.example.com'], '{port: 7000, gateways: [reports/reports-gateway]}')).listening).toBe(true);
  });
});
