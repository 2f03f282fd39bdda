// The app process model: the environment the kubelet gives a container (the pod
// spec's env plus service-link variables), an upstream call whose URL comes from
// that environment, and kubectl exec/debug reading it through /proc.
// Variable names and values follow the Kubernetes docs ("Service > Environment
// variables": the redis-primary example) and proc(5).
import { describe, expect, it } from 'vitest';
import { Mesh } from '../../src/mesh/index.ts';
import { containerEnv, expandEnv } from '../../src/mesh/process.ts';

const SHOP = `apiVersion: v1
kind: Namespace
metadata: {name: shop, labels: {istio-injection: enabled}}
---
apiVersion: v1
kind: Service
metadata: {name: redis-primary, namespace: shop}
spec:
  clusterIP: 10.0.0.11
  selector: {app: redis}
  ports: [{port: 6379}]
---
apiVersion: v1
kind: Service
metadata: {name: prices, namespace: shop}
spec:
  clusterIP: 10.0.0.20
  selector: {app: prices}
  ports: [{name: http, port: 9000}]
---
apiVersion: v1
kind: Service
metadata: {name: elsewhere, namespace: other}
spec:
  clusterIP: 10.0.0.30
  ports: [{port: 80}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: prices, namespace: shop}
spec:
  selector: {matchLabels: {app: prices}}
  template:
    metadata: {labels: {app: prices}}
    spec:
      containers: [{name: prices, ports: [{containerPort: 9000}]}]
---
apiVersion: v1
kind: Pod
metadata: {name: client, namespace: shop, labels: {app: client}}
spec:
  containers: [{name: client, image: curlimages/curl}]
---
apiVersion: opslab.dev/v1
kind: AppBehavior
metadata: {name: prices, namespace: shop}
spec:
  selector: {app: prices}
  responses:
  - {prefix: /price, status: 200, body: '12.50'}
`;

/** A web front end whose upstream port comes from PRICES_PORT (default 9000), in a distroless image. */
const web = (podSpecExtra: string, env = '') => `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:${podSpecExtra}
      containers:
      - name: web
        ports: [{containerPort: 8080}]
        env: [{name: MODE, value: live}${env}]
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  clusterIP: 10.0.0.40
  selector: {app: web}
  ports: [{name: http, port: 8080}]
---
apiVersion: opslab.dev/v1
kind: AppBehavior
metadata: {name: web, namespace: shop}
spec:
  selector: {app: web}
  process:
    command: [node, /srv/index.js]
    workingDir: /srv
    user: "1000"
    tools: []
    files: {/srv/index.js: "const port = process.env.PRICES_PORT ?? '9000';\\n"}
  responses:
  - prefix: /
    status: 200
    body: price 12.50
    call:
      url: http://prices:\${PRICES_PORT-9000}/price
      onError: {status: 502, body: no price}
`;

const meshWith = (webYaml: string) => new Mesh([{ name: 'shop.yaml', text: SHOP }, { name: 'web.yaml', text: webYaml }]);
const pod = (m: Mesh, ref: string) => m.pod(ref)!;
const envOf = (m: Mesh, ref: string) => new Map(containerEnv(m.scenario, pod(m, ref)));

describe('container environment', () => {
  it('has the service-link variables of every Service in the pod namespace, as in the Kubernetes docs', () => {
    const env = envOf(meshWith(web('')), 'shop/web');
    expect(env.get('REDIS_PRIMARY_SERVICE_HOST')).toBe('10.0.0.11');
    expect(env.get('REDIS_PRIMARY_SERVICE_PORT')).toBe('6379');
    expect(env.get('REDIS_PRIMARY_PORT')).toBe('tcp://10.0.0.11:6379');
    expect(env.get('REDIS_PRIMARY_PORT_6379_TCP')).toBe('tcp://10.0.0.11:6379');
    expect(env.get('REDIS_PRIMARY_PORT_6379_TCP_PROTO')).toBe('tcp');
    expect(env.get('REDIS_PRIMARY_PORT_6379_TCP_PORT')).toBe('6379');
    expect(env.get('REDIS_PRIMARY_PORT_6379_TCP_ADDR')).toBe('10.0.0.11');
    // A named port also gets <NAME>_SERVICE_PORT_<PORTNAME>.
    expect(env.get('PRICES_SERVICE_PORT_HTTP')).toBe('9000');
    expect(env.get('PRICES_PORT')).toBe('tcp://10.0.0.20:9000');
    // Other namespaces' Services are not linked; the API server's always is.
    expect(env.has('ELSEWHERE_SERVICE_HOST')).toBe(false);
    expect(env.get('KUBERNETES_SERVICE_HOST')).toBe('10.96.0.1');
    expect(env.get('MODE')).toBe('live');
    expect(env.get('HOSTNAME')).toBe(pod(meshWith(web('')), 'shop/web').name);
  });

  it('lets the container env win over a service link, and enableServiceLinks: false drops all but kubernetes', () => {
    const own = envOf(meshWith(web('', ', {name: PRICES_PORT, value: "9000"}')), 'shop/web');
    expect(own.get('PRICES_PORT')).toBe('9000');
    expect(own.get('PRICES_SERVICE_HOST')).toBe('10.0.0.20');
    const off = envOf(meshWith(web('\n      enableServiceLinks: false')), 'shop/web');
    expect([...off.keys()].filter((k) => k.includes('PRICES') || k.includes('REDIS'))).toEqual([]);
    expect(off.get('KUBERNETES_PORT')).toBe('tcp://10.96.0.1:443');
  });

  it('expands ${V}, ${V-d} (unset only) and ${V:-d} (unset or empty) like a POSIX shell', () => {
    const env: [string, string][] = [['SET', 'x'], ['EMPTY', '']];
    expect(expandEnv('${SET}-${NOPE}', env)).toBe('x-');
    expect(expandEnv('${NOPE-d} ${EMPTY-d} ${SET-d}', env)).toBe('d  x');
    expect(expandEnv('${NOPE:-d} ${EMPTY:-d} ${SET:-d}', env)).toBe('d d x');
  });
});

describe('an app call driven by the environment', () => {
  it('sends nothing when the injected PRICES_PORT makes the URL unparsable: fallback, no outbound line anywhere', () => {
    const m = meshWith(web(''));
    const r = m.run(pod(m, 'shop/client'), ['curl', '-s', 'http://web.shop:8080/']);
    expect(r.outcome?.client.status).toBe(502);
    expect(r.stdout).toBe('no price');
    const webLog = m.proxyLogs.get(`${pod(m, 'shop/web').name}.shop`) ?? [];
    expect(webLog).toHaveLength(1);
    expect(webLog[0]).toContain(' inbound|8080|| ');
    expect(m.proxyLogs.get(`${pod(m, 'shop/prices').name}.shop`)).toBeUndefined();
  });

  it('calls prices through its own sidecar once the variable is gone: outbound and inbound lines share the request id', () => {
    const m = meshWith(web('\n      enableServiceLinks: false'));
    const r = m.run(pod(m, 'shop/client'), ['curl', '-s', 'http://web.shop:8080/']);
    expect(r.outcome?.client.status).toBe(200);
    expect(r.stdout).toBe('price 12.50');
    const webLog = m.proxyLogs.get(`${pod(m, 'shop/web').name}.shop`)!;
    const outbound = webLog.find((l) => l.includes(' outbound|9000||prices.shop.svc.cluster.local '));
    expect(outbound).toContain('"GET /price HTTP/1.1" 200 ');
    expect(outbound).toContain('"python-requests/2.31.0"');
    const pricesLog = m.proxyLogs.get(`${pod(m, 'shop/prices').name}.shop`)!;
    expect(pricesLog).toHaveLength(1);
    const id = /"([0-9a-f-]{36})"/.exec(outbound!)![1]!;
    expect(pricesLog[0]).toContain(`"${id}"`);
  });
});
