// The lab shell's kubectl and curl print what the real tools print. Every expected
// text below is written from the tools' documented behaviour, not from our output:
// curl 8.x (exit codes, -v lines), kubectl (get tables, label selectors, apply),
// Istio's CRD printer columns (additionalPrinterColumns in crd-all.gen.yaml).
import { describe, expect, it } from 'vitest';
import { BASE, CATALOG_V2, istiod } from './fixtures.ts';
import { Mesh, meshCommands } from '../../src/mesh/index.ts';
import { createShell, VirtualFS } from '../../src/shell/index.ts';

const EXTRA = `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: tax-api, namespace: demo}
spec:
  hosts: [api.taxes.example.com]
  location: MESH_EXTERNAL
  resolution: DNS
  ports: [{number: 443, name: tls, protocol: TLS}]
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: ledger-db, namespace: demo}
spec:
  hosts: [ledger.billing.internal]
  ports: [{number: 5432, name: tcp, protocol: TCP}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: catalog, namespace: demo}
spec:
  hosts: [catalog]
  http: [{route: [{destination: {host: catalog}}]}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: shop-edge, namespace: demo}
spec:
  hosts: [shop.example.com, www.shop.example.com]
  gateways: [shop-gw]
  http: [{route: [{destination: {host: catalog}}]}]
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: catalog, namespace: demo}
spec: {host: catalog.demo.svc.cluster.local}
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: shop-gw, namespace: demo}
spec:
  selector: {istio: ingressgateway}
  servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: [shop.example.com]}]
---
apiVersion: v1
kind: Service
metadata: {name: edge, namespace: demo}
spec:
  type: LoadBalancer
  selector: {app: catalog}
  ports: [{name: http, port: 80, targetPort: 5000, nodePort: 30880}]
---
apiVersion: v1
kind: Service
metadata: {name: edge-live, namespace: demo}
spec:
  type: LoadBalancer
  selector: {app: catalog}
  ports: [{name: http, port: 80, targetPort: 5000, nodePort: 31080}]
status:
  loadBalancer:
    ingress: [{ip: 203.0.113.40}]
---
${CATALOG_V2}${istiod('1.22.3')}`;

function labShell(extraFiles: { path: string; content: string }[] = []) {
  const m = new Mesh([{ name: 'base.yaml', text: BASE }, { name: 'istio.yaml', text: EXTRA }]);
  const fs = new VirtualFS([...m.files.map((f) => ({ path: f.name, content: f.text })), ...extraFiles]);
  const shell = createShell({ fs }).register(...meshCommands({ mesh: () => m, clientPod: 'demo/toolbox' }));
  return { mesh: m, shell };
}

/** The NAME column of a kubectl table. */
const names = (table: string) => table.trim().split('\n').slice(1).map((l) => l.split(/\s+/)[0]);

describe('curl: a name nothing resolves', () => {
  it('fails with exit 6 before any connection, from a pod with a sidecar', async () => {
    const { shell, mesh } = labShell();
    const r = await shell.run('curl http://nowhere.billing:8080/');
    expect(r).toMatchObject({ stdout: '', stderr: 'curl: (6) Could not resolve host: nowhere.billing\n', exitCode: 6 });
    // No proxy saw a connection, so no access-log line anywhere.
    expect([...mesh.proxyLogs.values()].flat()).toEqual([]);
  });

  it('-v shows the failed lookup and no request lines; -s hides the error, -sS shows it', async () => {
    const { shell } = labShell();
    const v = await shell.run('curl -v http://nowhere.billing:8080/');
    expect(v.stderr).toBe('* Could not resolve host: nowhere.billing\n* Closing connection\ncurl: (6) Could not resolve host: nowhere.billing\n');
    expect((await shell.run('curl -s http://nowhere.billing:8080/')).stderr).toBe('');
    expect((await shell.run('curl -sS http://nowhere.billing:8080/')).stderr).toBe('curl: (6) Could not resolve host: nowhere.billing\n');
  });

  it('names that do resolve keep working: a Service, ServiceEntry hosts (any TLD), a gateway host, a public domain', async () => {
    const { shell } = labShell();
    for (const url of ['http://catalog.demo:5000/', 'http://catalog:5000/', 'http://catalog.demo.svc.cluster.local:5000/', 'https://api.taxes.example.com/', 'http://shop.example.com/', 'http://www.wikipedia.org/']) {
      expect((await shell.run(`curl -s -o /dev/null ${url}`)).exitCode, url).not.toBe(6);
    }
    expect((await shell.run('mysql -h ledger.billing.internal -P 5432 --connect-timeout 1')).stderr).not.toContain('Unknown MySQL server host');
    // A Service name in a namespace that has no such Service: the search list finds nothing.
    expect((await shell.run('curl http://catalog.billing:5000/')).exitCode).toBe(6);
  });
});

describe('kubectl get -l (label selectors)', () => {
  it('equality, comma-AND, !=, in/notin and existence select pods', async () => {
    const { shell } = labShell();
    const get = async (sel: string) => names((await shell.run(`kubectl get pods -n demo -l ${sel}`)).stdout);
    expect(await get('app=toolbox')).toEqual(['toolbox']);
    expect(await get('app==toolbox')).toEqual(['toolbox']);
    expect((await get('app=catalog,version=v2')).map((n) => n!.replace(/-[a-z0-9]+-[a-z0-9]+$/, ''))).toEqual(['catalog-v2']);
    // != also matches pods without the label (toolbox has no version).
    expect((await get('version!=v1')).map((n) => n!.replace(/-[a-z0-9]+-[a-z0-9]+$/, ''))).toEqual(['catalog-v2', 'toolbox']);
    expect((await get("'version in (v1,v3)'")).map((n) => n!.replace(/-[a-z0-9]+-[a-z0-9]+$/, ''))).toEqual(['catalog-v1']);
    expect((await get("'version notin (v1)'")).map((n) => n!.replace(/-[a-z0-9]+-[a-z0-9]+$/, ''))).toEqual(['catalog-v2', 'toolbox']);
    expect(await get("'!version'")).toEqual(['toolbox']);
    expect(names((await shell.run('kubectl get pods -n demo --selector=app=toolbox')).stdout)).toEqual(['toolbox']);
    // -l matches an object's own labels: these Deployments label only their pod template.
    expect((await shell.run('kubectl get deploy -n demo -l version=v2')).stderr).toBe('No resources found in demo namespace.\n');
  });

  it('no match: "No resources found in demo namespace." on stderr, exit 0; with -A no namespace is named', async () => {
    const { shell } = labShell();
    expect(await shell.run('kubectl get pods -n demo -l app=nothing')).toMatchObject({ stdout: '', stderr: 'No resources found in demo namespace.\n', exitCode: 0 });
    expect(await shell.run('kubectl get pods -A -l app=nothing')).toMatchObject({ stdout: '', stderr: 'No resources found\n', exitCode: 0 });
  });

  it('a selector that does not parse is an error', async () => {
    const { shell } = labShell();
    const r = await shell.run("kubectl get pods -n demo -l 'app in'");
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/^error: unable to parse requirement/);
  });
});

describe('kubectl apply -f', () => {
  it('a file with only comments: "error: no objects passed to apply", exit 1', async () => {
    const { shell } = labShell([{ path: 'notes.yaml', content: '# to do: the retry policy\n# nothing here yet\n' }]);
    expect(await shell.run('kubectl apply -f notes.yaml')).toMatchObject({ stdout: '', stderr: 'error: no objects passed to apply\n', exitCode: 1 });
  });
});

describe('kubectl get: Istio CRD printer columns', () => {
  it('serviceentry: NAME, HOSTS, LOCATION, RESOLUTION, AGE (unset fields empty)', async () => {
    const { shell } = labShell();
    expect((await shell.run('kubectl get serviceentry -n demo')).stdout).toBe(
      'NAME        HOSTS                         LOCATION        RESOLUTION   AGE\n' +
      'ledger-db   ["ledger.billing.internal"]                                12m\n' +
      'tax-api     ["api.taxes.example.com"]     MESH_EXTERNAL   DNS          12m\n',
    );
  });

  it('virtualservice: GATEWAYS and HOSTS as JSON lists, empty GATEWAYS for a mesh-only one', async () => {
    const { shell } = labShell();
    expect((await shell.run('kubectl get vs -n demo')).stdout).toBe(
      'NAME        GATEWAYS      HOSTS                                         AGE\n' +
      'catalog                   ["catalog"]                                   12m\n' +
      'shop-edge   ["shop-gw"]   ["shop.example.com","www.shop.example.com"]   12m\n',
    );
  });

  it('destinationrule: HOST; gateway: only AGE', async () => {
    const { shell } = labShell();
    expect((await shell.run('kubectl get dr -n demo')).stdout).toBe('NAME      HOST                             AGE\ncatalog   catalog.demo.svc.cluster.local   12m\n');
    expect((await shell.run('kubectl get gateway -n demo')).stdout).toBe('NAME      AGE\nshop-gw   12m\n');
  });

  it('NotFound names the resource with its API group', async () => {
    const { shell } = labShell();
    expect((await shell.run('kubectl get se billing -n demo')).stderr).toBe('Error from server (NotFound): serviceentries.networking.istio.io "billing" not found\n');
    expect((await shell.run('kubectl get deploy billing -n demo')).stderr).toBe('Error from server (NotFound): deployments.apps "billing" not found\n');
  });
});

describe('kubectl get -A', () => {
  it('adds a NAMESPACE column and lists every namespace, in namespace then name order', async () => {
    const { shell } = labShell();
    expect((await shell.run('kubectl get deploy -A')).stdout).toBe(
      'NAMESPACE      NAME         READY   UP-TO-DATE   AVAILABLE   AGE\n' +
      'demo           catalog-v1   1/1     1            1           12m\n' +
      'demo           catalog-v2   1/1     1            1           12m\n' +
      'istio-system   istiod       1/1     1            1           12m\n',
    );
    const dr = await shell.run('kubectl get destinationrules --all-namespaces');
    expect(dr.stdout.split('\n')[0]).toMatch(/^NAMESPACE +NAME +HOST +AGE$/);
    expect(dr.stdout.split('\n')[1]).toMatch(/^demo +catalog +catalog\.demo\.svc\.cluster\.local +12m$/);
  });
});

describe('kubectl get svc: LoadBalancer', () => {
  it('EXTERNAL-IP is <pending> without status.loadBalancer.ingress, else its IP; PORT(S) carry the node port', async () => {
    const { shell } = labShell();
    const rows = (await shell.run('kubectl get svc -n demo')).stdout.split('\n');
    expect(rows.find((l) => l.startsWith('edge ')))!.toMatch(/^edge +LoadBalancer +10\.\d+\.\d+\.\d+ +<pending> +80:30880\/TCP +12m$/);
    expect(rows.find((l) => l.startsWith('edge-live ')))!.toMatch(/^edge-live +LoadBalancer +10\.\d+\.\d+\.\d+ +203\.0\.113\.40 +80:31080\/TCP +12m$/);
    expect(rows.find((l) => l.startsWith('catalog ')))!.toMatch(/^catalog +ClusterIP +10\.\d+\.\d+\.\d+ +<none> +5000\/TCP +12m$/);
  });
});

describe('curl -v: verbose lines and body in the order curl writes them', () => {
  it('request and response headers first, then the body, then "left intact"', async () => {
    const { shell } = labShell();
    const r = await shell.run('curl -v http://catalog.demo:5000/');
    expect(r.output?.map((c) => c.stream)).toEqual(['stderr', 'stdout', 'stderr']);
    expect(r.output![0]!.text).toMatch(/^\* {3}Trying 10\.\d+\.\d+\.\d+:5000\.\.\.\n\* Connected to catalog\.demo .*\n> GET \/ HTTP\/1\.1\n[\s\S]*< HTTP\/1\.1 200 OK\n[\s\S]*<\n$/);
    expect(r.output![1]).toEqual({ stream: 'stdout', text: 'items' });
    expect(r.output![2]).toEqual({ stream: 'stderr', text: '* Connection #0 to host catalog.demo left intact\n' });
    // The same text as the two streams.
    expect(r.output!.filter((c) => c.stream === 'stderr').map((c) => c.text).join('')).toBe(r.stderr);
  });

  it('piped, only stdout goes down the pipe and the result has no interleaving', async () => {
    const { shell } = labShell();
    const r = await shell.run('curl -v http://catalog.demo:5000/ | grep items');
    expect(r.stdout).toBe('items\n');
    expect(r.output).toBeUndefined();
    expect(r.stderr).toContain('> GET / HTTP/1.1\n');
  });
});
