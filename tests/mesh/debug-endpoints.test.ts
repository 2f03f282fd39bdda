// Served debug endpoints and logs (lab.yaml `serve:`): the commands an operator
// types reach the lab files, and everything else still reaches the simulator.
import { describe, expect, it } from 'vitest';
import { createShell, VirtualFS } from '../../src/shell/index.ts';
import { Mesh, meshCommands } from '../../src/mesh/index.ts';
import { proxyStatus, withServedFiles, xdsStatus, type ServedFile } from '../../src/mesh/debug-endpoints.ts';
import { istiod } from './fixtures.ts';

const SCENARIO = `apiVersion: v1
kind: Namespace
metadata: {name: istio-system}
${istiod('1.24.3')}---
apiVersion: apps/v1
kind: Deployment
metadata: {name: istio-ingressgateway, namespace: istio-system}
spec:
  selector: {matchLabels: {istio: ingressgateway}}
  template:
    metadata: {labels: {istio: ingressgateway}, annotations: {sidecar.istio.io/inject: "false"}}
    spec: {containers: [{name: istio-proxy, ports: [{containerPort: 8080}]}]}
`;

const METRICS = 'pilot_xds{version="1.24.3"} 2\n';
const MEMORY = '{"allocated": "1024", "heap_size": "2048"}\n';
const LOG = 'line one\nline two\nline three\n';
// One proxy in sync, one that has not acknowledged the last listener push, one never acknowledged.
const SYNCZ = JSON.stringify([
  { cluster_id: 'Kubernetes', proxy: 'web-1.shop', proxy_version: '1.24.3', cluster_sent: 'n1', cluster_acked: 'n1', listener_sent: 'n2', listener_acked: 'n1', route_sent: 'n1', route_acked: 'n1', endpoint_sent: 'n1', endpoint_acked: 'n1' },
  { cluster_id: 'Kubernetes', proxy: 'api-1.shop', proxy_version: '1.23.1', cluster_sent: 'n4', cluster_acked: 'n4', listener_sent: 'n4', listener_acked: 'n4', route_sent: 'n4', route_acked: '', endpoint_sent: '', endpoint_acked: '' },
]);

const SERVED: ServedFile[] = [
  { pod: 'istio-system/istiod', port: 15014, path: '/metrics', file: 'istiod/metrics.txt' },
  { pod: 'istio-system/istiod', port: 15014, path: '/debug/syncz', file: 'istiod/syncz.json' },
  { pod: 'istio-system/istiod', logs: true, file: 'istiod/istiod.log' },
  { pod: 'istio-system/istio-ingressgateway', port: 15000, path: '/memory', file: 'gw/memory.json' },
];

function labShell() {
  const mesh = new Mesh([{ name: 'scenario.yaml', text: SCENARIO }]);
  const fs = new VirtualFS([
    { path: 'istiod/metrics.txt', content: METRICS },
    { path: 'istiod/syncz.json', content: SYNCZ },
    { path: 'istiod/istiod.log', content: LOG },
    { path: 'gw/memory.json', content: MEMORY },
  ]);
  const shell = createShell({ fs }).register(...withServedFiles(meshCommands({ mesh: () => mesh }), () => mesh, SERVED));
  const gateway = mesh.scenario.pods.find((p) => p.name.startsWith('istio-ingressgateway-'))!.name;
  const istiod = mesh.scenario.pods.find((p) => p.name.startsWith('istiod-'))!.name;
  return { shell, fs, gateway, istiod };
}

describe('served debug endpoints', () => {
  it('kubectl exec … curl localhost:PORT/PATH answers with the lab file, by Deployment or pod name', async () => {
    const { shell, istiod } = labShell();
    expect((await shell.run('kubectl exec -n istio-system deploy/istiod -- curl -s localhost:15014/metrics')).stdout).toBe(METRICS);
    expect((await shell.run(`kubectl exec -n istio-system ${istiod} -- curl -s http://127.0.0.1:15014/debug/syncz?debug=1`)).stdout).toBe(SYNCZ);
    const piped = await shell.run("kubectl exec -n istio-system deploy/istiod -- curl -s localhost:15014/metrics | grep -c pilot_xds");
    expect(piped.stdout).toBe('1\n');
  });

  it('an unknown path gets the server\'s 404, a port nothing serves refuses the connection', async () => {
    const { shell, gateway } = labShell();
    expect((await shell.run('kubectl exec -n istio-system deploy/istiod -- curl -s localhost:15014/debug/nothing')).stdout).toBe('404 page not found\n');
    const admin = await shell.run(`kubectl exec -n istio-system ${gateway} -- curl -s localhost:15000/nothing`);
    expect(admin.stdout).toBe('invalid path. admin commands are:\n  /memory\n');
    const refused = await shell.run('kubectl exec -n istio-system deploy/istiod -- curl -s localhost:15000/memory');
    expect(refused.exitCode).toBe(7);
    expect(refused.stderr).toContain('Failed to connect to localhost port 15000');
  });

  it('pilot-agent request GET PATH goes to Envoy\'s admin port 15000', async () => {
    const { shell } = labShell();
    expect((await shell.run('kubectl exec -n istio-system deploy/istio-ingressgateway -c istio-proxy -- pilot-agent request GET memory')).stdout).toBe(MEMORY);
    expect((await shell.run('kubectl exec -n istio-system deploy/istio-ingressgateway -- pilot-agent request GET /memory')).stdout).toBe(MEMORY);
    expect((await shell.run('kubectl exec -n istio-system deploy/istio-ingressgateway -- pilot-agent request')).exitCode).toBe(1);
  });

  it('kubectl port-forward makes curl localhost reach the pod, under the local port chosen', async () => {
    const { shell, fs } = labShell();
    const before = await shell.run('curl -s localhost:15014/metrics');
    expect(before.exitCode).toBe(7);
    const fwd = await shell.run('kubectl -n istio-system port-forward deploy/istiod 15014');
    expect(fwd.stdout).toBe('Forwarding from 127.0.0.1:15014 -> 15014\nForwarding from [::1]:15014 -> 15014\n');
    expect((await shell.run('curl -s localhost:15014/metrics')).stdout).toBe(METRICS);
    await shell.run('kubectl port-forward -n istio-system deploy/istio-ingressgateway 8001:15000');
    expect((await shell.run('curl -s http://localhost:8001/memory')).stdout).toBe(MEMORY);
    expect((await shell.run('curl -s localhost:8001/memory -o saved.json')).stdout).toBe('');
    expect(fs.read('saved.json')).toBe(MEMORY);
    expect((await shell.run('kubectl -n istio-system port-forward deploy/nothing 15014')).exitCode).toBe(1);
  });

  it('istioctl x internal-debug reads istiod\'s /debug/<name>', async () => {
    const { shell } = labShell();
    expect((await shell.run('istioctl x internal-debug syncz')).stdout).toBe(SYNCZ);
    expect((await shell.run('istioctl experimental internal-debug nothing')).stdout).toBe('404 page not found\n');
  });

  it('istioctl proxy-status comes from the served syncz: SYNCED, STALE, NOT SENT', async () => {
    const { shell, istiod } = labShell();
    const r = await shell.run('istioctl proxy-status');
    const pad = (s: string, n: number) => s.padEnd(n);
    // tabwriter with 3 spaces of padding after the widest cell of each column.
    const row = (...c: string[]) => [pad(c[0]!, 13), pad(c[1]!, 13), pad(c[2]!, 9), pad(c[3]!, 9), pad(c[4]!, 11), pad(c[5]!, 29), pad(c[6]!, 10), pad(c[7]!, istiod.length + 3), c[8]].join('') + '\n';
    expect(r.stdout).toBe(
      row('NAME', 'CLUSTER', 'CDS', 'LDS', 'EDS', 'RDS', 'ECDS', 'ISTIOD', 'VERSION') +
        row('api-1.shop', 'Kubernetes', 'SYNCED', 'SYNCED', 'NOT SENT', 'STALE (Never Acknowledged)', 'IGNORED', istiod, '1.23.1') +
        row('web-1.shop', 'Kubernetes', 'SYNCED', 'STALE', 'SYNCED', 'SYNCED', 'IGNORED', istiod, '1.24.3'),
    );
    expect((await shell.run('istioctl ps web-1')).stdout.split('\n').filter(Boolean)).toHaveLength(2);
  });

  it('kubectl logs prints the served log; --tail keeps the last lines', async () => {
    const { shell } = labShell();
    expect((await shell.run('kubectl logs -n istio-system deploy/istiod')).stdout).toBe(LOG);
    expect((await shell.run('kubectl -n istio-system logs deploy/istiod --tail=1')).stdout).toBe('line three\n');
    expect((await shell.run('kubectl logs -n istio-system deploy/istiod --since=30m | grep two')).stdout).toBe('line two\n');
  });

  it('leaves everything else to the simulator', async () => {
    const { shell } = labShell();
    const pods = await shell.run('kubectl get pods -n istio-system');
    expect(pods.stdout).toMatch(/^NAME\s+READY/);
    expect(pods.stdout).toContain('istiod-');
    expect((await shell.run('istioctl analyze')).exitCode).toBe(0);
  });
});

describe('xdsStatus', () => {
  it('follows istioctl: nothing sent, same nonce, never acknowledged, behind', () => {
    expect([xdsStatus('', ''), xdsStatus('a', 'a'), xdsStatus('a', ''), xdsStatus('b', 'a')]).toEqual(['NOT SENT', 'SYNCED', 'STALE (Never Acknowledged)', 'STALE']);
  });

  it('reports syncz it cannot read instead of crashing', () => {
    expect(proxyStatus('{not json', 'istiod-1').exitCode).toBe(1);
    expect(proxyStatus('{}', 'istiod-1').stderr).toContain('not a list');
  });
});
