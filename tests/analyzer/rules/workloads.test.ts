// IST0116, IST0118, IST0127, IST0137, IST0150, OPS301, OPS302, OPS308, OPS309.
import { describe, expect, it } from 'vitest';
import { brief, run } from './helpers.ts';

const deploy = (extraPod = '', extraSpec = '', ns = 'shop') => `apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: ${ns}}
spec:
  template:
    metadata:
      labels: {app: api}${extraPod}
    spec:
      containers:
      - name: api
        image: api:1${extraSpec}
`;
const svc = (name: string, ports: string) => `---
apiVersion: v1
kind: Service
metadata: {name: ${name}, namespace: shop}
spec:
  selector: {app: api}
  ports:
${ports}`;

describe('IST0116 / IST0137 services of one deployment', () => {
  it('IST0116: port 53 as TCP in one Service and UDP in another', () => {
    const y = deploy() + svc('a', '  - {name: dns, port: 53, protocol: TCP}\n') + svc('b', '  - {name: dns-udp, port: 53, protocol: UDP}\n');
    expect(brief(run(y, 'IST0116'))).toEqual(['IST0116 Deployment shop/api 3:12']);
  });
  it('IST0137: targetPort 8080 reached from ports 80 and 8000', () => {
    const y = deploy() + svc('a', '  - {name: http, port: 80, targetPort: 8080}\n') + svc('b', '  - {name: http-alt, port: 8000, targetPort: 8080}\n');
    expect(run(y, 'IST0137')).toHaveLength(1);
    expect(run(y, 'IST0116')).toEqual([]);
  });
  it('near miss: same port, same protocol and same mapping in two Services', () => {
    const y = deploy() + svc('a', '  - {name: http, port: 80, targetPort: 8080}\n') + svc('b', '  - {name: http-web, port: 80, targetPort: 8080}\n');
    expect(run(y, 'IST0137')).toEqual([]);
    expect(run(y, 'IST0116')).toEqual([]);
  });
});

describe('IST0118 port naming', () => {
  it('fires for an unknown name, not for http-*, appProtocol, UDP or istio-system', () => {
    const y = deploy() + svc('a', '  - {name: web, port: 80}\n  - {name: http-web, port: 81}\n  - {name: x, port: 82, appProtocol: http}\n  - {name: y, port: 83, protocol: UDP}\n');
    const fs = run(y, 'IST0118');
    expect(brief(fs)).toEqual(['IST0118 Service shop/a 19:6']);
    expect(fs[0]!.severity).toBe('info');
  });
});

describe('IST0127 AuthorizationPolicy selects nothing', () => {
  const ap = (labels: string, ns = 'shop') => `---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: p, namespace: ${ns}}
spec:
  selector: {matchLabels: {${labels}}}
  action: ALLOW
`;
  it('fires for a selector no pod carries, not for the real label', () => {
    expect(run(deploy() + ap('app: apii'), 'IST0127')).toHaveLength(1);
    expect(run(deploy() + ap('app: api'), 'IST0127')).toEqual([]);
  });
  it('root-namespace policies look at every namespace', () => {
    expect(run(deploy() + ap('app: api', 'istio-system'), 'IST0127')).toEqual([]);
  });
});

describe('IST0150 / OPS301 ExternalName services (external-name-hijack chapter)', () => {
  const ext = (ports: string) => `apiVersion: v1
kind: Service
metadata: {name: search-alias, namespace: shop}
spec:
  type: ExternalName
  externalName: search.example.com
  ports:
${ports}`;
  it('an unnamed port 443 is reported by both', () => {
    const y = ext('  - port: 443\n    targetPort: 443\n');
    expect(brief(run(y, 'OPS301'))).toEqual(['OPS301 Service shop/search-alias 8:5']);
    expect(run(y, 'IST0150')).toHaveLength(1);
  });
  it('a port named exactly tcp is IST0150; tcp-search is not', () => {
    expect(run(ext('  - {name: tcp, port: 9000}\n'), 'IST0150')).toHaveLength(1);
    expect(run(ext('  - {name: tcp-search, port: 9000}\n'), 'IST0150')).toEqual([]);
  });
  it('near miss: an HTTP-named port gets routes per host, no catch-all; OPS301 stays quiet', () => {
    expect(run(ext('  - {name: http, port: 80}\n'), 'OPS301')).toEqual([]);
  });
  it('near miss: a port named tls or https matches only the Service name by SNI (istio/istio#37331); OPS301 stays quiet, a tcp one is reported', () => {
    expect(run(ext('  - {name: https, port: 443}\n'), 'OPS301')).toEqual([]);
    expect(run(ext('  - {name: tls-search, port: 443}\n'), 'OPS301')).toEqual([]);
    expect(run(ext('  - {name: tcp-search, port: 443}\n'), 'OPS301')).toHaveLength(1);
  });
});

describe('OPS302 server-first protocol on an HTTP port (server-speaks-first chapter)', () => {
  it('fires for an http-named port 3306, and for the port of a MySQL ServiceEntry without addresses', () => {
    expect(run(deploy() + svc('odd', '  - {name: http, port: 3306, targetPort: 8080}\n'), 'OPS302')).toHaveLength(1);
    const se = `---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: legacy-db, namespace: shop}
spec:
  hosts: [db.legacy.internal]
  location: MESH_EXTERNAL
  resolution: DNS
  ports: [{name: mysql, number: 10000, protocol: MYSQL}]
`;
    const fs = run(deploy() + svc('irrelevant', '  - {name: http, port: 10000, targetPort: 8080}\n') + se, 'OPS302');
    expect(brief(fs)).toEqual(['OPS302 Service shop/irrelevant 19:6']);
  });
  it('near miss: the shared port named tcp, or the database with its own address', () => {
    expect(run(deploy() + svc('odd', '  - {name: tcp, port: 3306, targetPort: 8080}\n'), 'OPS302')).toEqual([]);
    const se = `---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: legacy-db, namespace: shop}
spec:
  hosts: [db.legacy.internal]
  addresses: [10.20.0.7]
  resolution: STATIC
  endpoints: [{address: 10.20.0.7}]
  ports: [{name: tcp-mysql, number: 10000, protocol: TCP}]
`;
    expect(run(deploy() + svc('irrelevant', '  - {name: http, port: 10000, targetPort: 8080}\n') + se, 'OPS302')).toEqual([]);
  });
});

describe('OPS308 startup calls without holdApplicationUntilProxyStarts', () => {
  const injected = `apiVersion: v1
kind: Namespace
metadata: {name: shop, labels: {istio-injection: enabled}}
---
`;
  const calling = '\n        command: ["sh", "-c", "curl -sf http://config-center:8080/app.yaml > /etc/app.yaml && exec api"]';
  it('fires at the command of an injected app that fetches config at start', () => {
    expect(brief(run(injected + deploy('', calling), 'OPS308'))).toEqual(['OPS308 Deployment shop/api 16:9']);
  });
  it('near miss: hold enabled by annotation or mesh config, not injected, or already waiting for the proxy', () => {
    const hold = "\n      annotations:\n        proxy.istio.io/config: '{ \"holdApplicationUntilProxyStarts\": true }'";
    expect(run(injected + deploy(hold, calling), 'OPS308')).toEqual([]);
    const mesh = `---
apiVersion: v1
kind: ConfigMap
metadata: {name: istio, namespace: istio-system}
data:
  mesh: |-
    defaultConfig:
      holdApplicationUntilProxyStarts: true
`;
    expect(run(injected + deploy('', calling) + mesh, 'OPS308')).toEqual([]);
    expect(run(deploy('', calling), 'OPS308')).toEqual([]);
    const waits = '\n        command: ["sh", "-c", "until curl -sf localhost:15021/healthz/ready; do sleep 1; done; curl http://cfg/x"]';
    expect(run(injected + deploy('', waits), 'OPS308')).toEqual([]);
  });
});

describe('OPS309 EXIT_ON_ZERO_ACTIVE_CONNECTIONS and the grace period', () => {
  const exit = "\n      annotations:\n        proxy.istio.io/config: |\n          proxyMetadata:\n            EXIT_ON_ZERO_ACTIVE_CONNECTIONS: 'true'";
  const withGrace = (n: number) => deploy(exit).replace('    spec:\n      containers:', `    spec:\n      terminationGracePeriodSeconds: ${n}\n      containers:`);
  it('fires for a grace period not longer than the 5s drain, and for the 30s default', () => {
    expect(run(withGrace(5), 'OPS309')[0]!.message.en).toContain('not longer than the minimum drain (5s)');
    expect(run(deploy(exit), 'OPS309')[0]!.message.en).toContain('not set');
  });
  it('near miss: 60s is fine, and without the option nothing is said', () => {
    expect(run(withGrace(60), 'OPS309')).toEqual([]);
    expect(run(deploy(), 'OPS309')).toEqual([]);
  });
});
