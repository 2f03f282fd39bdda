// The proof lab (guide case 001): the ratings pods lack the `version: v1` label
// the DestinationRule's v1 subset selects, so the subset has no endpoints and
// Envoy answers `503 no healthy upstream` with flag UH; adding the label fixes it.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { labShell as labShellOf } from './fixtures.ts';

const DIR = 'labs/no-healthy-upstream/scenario';

const labShell = () => labShellOf(DIR, 'shop/sleep');

describe('lab no-healthy-upstream', () => {
  it('before the fix: 503 no healthy upstream, UH, and the v1 cluster has no endpoints', async () => {
    const { shell } = labShell();
    const r = await shell.run('curl -s http://ratings.shop:8080/');
    expect(r.stdout).toBe('no healthy upstream');
    const log = await shell.run('kubectl logs sleep -n shop -c istio-proxy');
    expect(log.stdout).toContain('" 503 UH no_healthy_upstream ');
    expect(log.stdout).toContain(' outbound|8080|v1|ratings.shop.svc.cluster.local ');
    const eps = await shell.run('istioctl proxy-config endpoints sleep.shop --cluster "outbound|8080|v1|ratings.shop.svc.cluster.local"');
    expect(eps.stdout).toBe('NAME     STATUS     LOCALITY     CLUSTER\n');
    const clusters = await shell.run('istioctl proxy-config clusters sleep.shop --fqdn ratings.shop.svc.cluster.local');
    expect(clusters.stdout).toContain('ratings.shop.svc.cluster.local     8080     v1         outbound      EDS      ratings.shop');
  });

  it('through the ingress gateway: the gateway logs the same UH', async () => {
    const { shell, mesh } = labShell();
    const r = await shell.run('curl -s -H "Host: shop.example.com" http://istio-ingressgateway.istio-system/');
    expect(r.stdout).toBe('no healthy upstream');
    const gw = mesh.scenario.pods.find((p) => p.proxy === 'router')!;
    const log = await shell.run(`kubectl logs ${gw.name} -n istio-system -c istio-proxy`);
    expect(log.stdout).toContain('" 503 UH no_healthy_upstream ');
  });

  it('after adding version: v1 to the pod template and applying: 200', async () => {
    const { shell, fs } = labShell();
    const fixed = readFileSync(`${DIR}/ratings.yaml`, 'utf8').replace('        app: ratings\n    spec:', '        app: ratings\n        version: v1\n    spec:');
    expect(fixed).toContain('version: v1');
    fs.write('ratings.yaml', fixed);
    const applied = await shell.run('kubectl apply -f ratings.yaml');
    expect(applied.stdout).toBe('service/ratings configured\ndeployment.apps/ratings-v1 configured\n');
    const r = await shell.run('curl -s http://ratings.shop:8080/');
    expect(r.stdout).toBe('{"ratings":{"reviewer1":5,"reviewer2":4}}');
    const eps = await shell.run('istioctl proxy-config endpoints sleep.shop --cluster "outbound|8080|v1|ratings.shop.svc.cluster.local"');
    expect(eps.stdout).toMatch(/^10\.244\.\d+\.\d+:8080 +HEALTHY +outbound\|8080\|v1\|ratings\.shop\.svc\.cluster\.local\n$/m);
  });

  it('kubectl get and istioctl analyze see the scenario', async () => {
    const { shell } = labShell();
    const pods = await shell.run('kubectl get pods -n shop --show-labels');
    expect(pods.stdout.split('\n')[0]).toMatch(/^NAME +READY +STATUS +RESTARTS +AGE +LABELS$/);
    expect(pods.stdout).toMatch(/ratings-v1-\S+ +2\/2 +Running/);
    expect((await shell.run('kubectl get dr -n shop')).stdout).toMatch(/^ratings +ratings +/m);
    const analyze = await shell.run('istioctl analyze');
    // IST0173 is istioctl's "DestinationRule subset selects no pods"
    expect(analyze.stdout).toContain('IST0173');
  });
});
