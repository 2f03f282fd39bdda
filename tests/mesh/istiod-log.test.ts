// Simulator pieces the gateway-tcp-port lab needs, checked on a small mesh:
// istiod's push log, the bootstrap listeners every proxy has, curl -v on a
// refused port, and a TCP client reaching a pod through a Service VIP.
import { describe, expect, it } from 'vitest';
import { byteCount } from '../../src/mesh/istiod-log.ts';
import { Mesh } from '../../src/mesh/index.ts';
import { listenerTable } from '../../src/analyzer/configdump/tables.ts';
import { istiod, mesh } from './fixtures.ts';

const GATEWAY = `---
apiVersion: apps/v1
kind: Deployment
metadata: {name: edge, namespace: demo}
spec:
  selector: {matchLabels: {istio: edge}}
  template:
    metadata: {labels: {istio: edge}, annotations: {sidecar.istio.io/inject: "false"}}
    spec: {containers: [{name: istio-proxy, ports: [{containerPort: 9100}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: edge, namespace: demo}
spec:
  selector: {istio: edge}
  ports: [{name: tcp-feed, port: 9000, targetPort: 9100}]
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: feed, namespace: demo}
spec:
  selector: {istio: edge}
  servers:
  - port: {number: 9000, name: tcp-feed, protocol: TCP}
    hosts: ["*"]
`;
const ROUTE = `---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: feed, namespace: demo}
spec:
  hosts: ["*"]
  gateways: [feed]
  tcp:
  - route: [{destination: {host: catalog, port: {number: 5000}}}]
`;

const istiodLog = (m: Mesh) => m.appLogs.get([...m.appLogs.keys()].find((k) => k.startsWith('istiod-'))!) ?? [];

describe("istiod's push log", () => {
  it('Istio util.ByteCount: bytes below 1000, then decimal units with one decimal', () => {
    expect(byteCount(0)).toBe('0B');
    expect(byteCount(999)).toBe('999B');
    expect(byteCount(1234)).toBe('1.2kB');
    expect(byteCount(1_500_000)).toBe('1.5MB');
  });

  it('a TCP server with no VirtualService at all: three lines, named by the listener istiod builds (the target port)', () => {
    const m = mesh(GATEWAY + istiod('1.24.3'));
    const lines = istiodLog(m).map((l) => l.split('\t').slice(1).join('\t'));
    expect(lines).toContain('warn\tno virtual service bound to gateway: demo/feed');
    expect(lines).toContain('warn\tgateway demo/feed:9000 listener missed network filter');
    expect(lines).toContain('info\tgateway omitting listener "0.0.0.0_9100" due to: must have more than 0 chains in listener "0.0.0.0_9100"');
    expect(lines.filter((l) => /^info\tads\tLDS: PUSH for node:edge-[\w-]+\.demo resources:0 size:/.test(l))).toHaveLength(1);
    // Istio's log time: RFC 3339, UTC, microseconds.
    expect(istiodLog(m)[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z\t/);
  });

  it('a bound tcp route: no warning; each applied change is a new push, and the old lines stay', () => {
    const m = mesh(GATEWAY + istiod('1.24.3'));
    const before = istiodLog(m).length;
    m.applyFile('istio.yaml', GATEWAY + istiod('1.24.3') + ROUTE);
    const added = istiodLog(m).slice(before);
    expect(added.join('\n')).not.toMatch(/omitting|missed|no virtual service/);
    expect(added.some((l) => /LDS: PUSH for node:edge-[\w-]+\.demo resources:1 /.test(l))).toBe(true);
  });

  it('no istiod in the scenario: nothing is logged anywhere for it', () => {
    const m = mesh(GATEWAY);
    expect([...m.appLogs.values()].flat().some((l) => l.includes('LDS: PUSH'))).toBe(false);
  });
});

describe('bootstrap listeners', () => {
  it('every proxy lists 15021 (/healthz/ready) and 15090 (/stats/prometheus) as istioctl shows them', () => {
    const m = mesh(GATEWAY);
    for (const pod of ['demo/toolbox', `demo/${m.scenario.pods.find((p) => p.proxy === 'router')!.name}`]) {
      const table = listenerTable(m.configDump(m.pod(pod)!)!, { verbose: true });
      expect(table).toMatch(/^0\.0\.0\.0 +15021 +ALL +Inline Route: \/healthz\/ready\*$/m);
      expect(table).toMatch(/^0\.0\.0\.0 +15090 +ALL +Inline Route: \/stats\/prometheus\*$/m);
    }
  });
});

// A laptop outside the mesh, and a MySQL server in it behind a Service.
const CLIENTS = `---
apiVersion: v1
kind: Namespace
metadata: {name: lab-outside}
---
apiVersion: v1
kind: Pod
metadata: {name: laptop, namespace: lab-outside, labels: {app: laptop}}
spec:
  containers: [{name: client, image: mysql:8.0.36}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: db, namespace: demo}
spec:
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec: {containers: [{name: mysql, ports: [{containerPort: 3306}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: db, namespace: demo}
spec:
  selector: {app: db}
  ports: [{name: tcp-mysql, port: 3306}]
---
apiVersion: opslab.dev/v1
kind: AppBehavior
metadata: {name: db, namespace: demo}
spec:
  selector: {app: db}
  protocol: mysql
`;

describe('clients on a port nothing listens on, or behind a VIP', () => {
  it('curl -v to a refused port (curl 8.x): Trying, the failed connect with both ends, the error; no request is sent', () => {
    const m = mesh(GATEWAY + CLIENTS);
    const laptop = m.pod('lab-outside/laptop')!;
    const r = m.run(laptop, ['curl', '-v', 'http://edge.demo:9000/']);
    expect(r.exitCode).toBe(7);
    const vip = m.sim.resolve('edge.demo', laptop)!.ip;
    const lines = r.stderr.split('\n');
    expect(lines[0]).toBe(`*   Trying ${vip}:9000...`);
    expect(lines[1]).toMatch(new RegExp(`^\\* connect to ${vip.replace(/\./g, '\\.')} port 9000 from ${laptop.ip.replace(/\./g, '\\.')} port \\d+ failed: Connection refused$`));
    expect(lines.slice(2)).toEqual(["* Failed to connect to edge.demo port 9000 after 1 ms: Couldn't connect to server", '* Closing connection', "curl: (7) Failed to connect to edge.demo port 9000 after 1 ms: Couldn't connect to server", '']);
  });

  it('mysql to a Service name gets the greeting of the pod behind it, with or without a sidecar on the client', () => {
    const m = mesh(CLIENTS);
    for (const from of ['lab-outside/laptop', 'demo/toolbox']) {
      const r = m.run(m.pod(from)!, ['mysql', '-h', 'db.demo', '-P', '3306', '-u', 'bi']);
      expect(r.stderr).toBe('');
      expect(r.stdout).toContain('Welcome to the MySQL monitor.');
    }
  });
});
