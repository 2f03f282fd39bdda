// Small scenarios written by hand for the simulator tests: a `demo` namespace
// with injection, a `catalog` service (port 5000, two versions) and a client
// pod `toolbox`. Each test adds the Istio resources of the case it checks.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Mesh, meshCommands } from '../../src/mesh/index.ts';
import { createShell, VirtualFS } from '../../src/shell/index.ts';

/** A version of the catalog Deployment (pods labelled app: catalog, version: <v>, port 5000). */
const catalogDeployment = (version: string): string => `apiVersion: apps/v1
kind: Deployment
metadata: {name: catalog-${version}, namespace: demo}
spec:
  selector: {matchLabels: {app: catalog, version: ${version}}}
  template:
    metadata:
      labels: {app: catalog, version: ${version}}
    spec:
      containers:
      - name: catalog
        ports: [{containerPort: 5000}]
`;

/** A second version of catalog, for tests that route between versions. */
export const CATALOG_V2 = catalogDeployment('v2');

export const BASE = `apiVersion: v1
kind: Namespace
metadata:
  name: demo
  labels: {istio-injection: enabled}
---
apiVersion: v1
kind: Service
metadata: {name: catalog, namespace: demo}
spec:
  selector: {app: catalog}
  ports:
  - {name: http, port: 5000, targetPort: 5000}
---
${catalogDeployment('v1')}---
apiVersion: v1
kind: Pod
metadata: {name: toolbox, namespace: demo, labels: {app: toolbox}}
spec:
  containers: [{name: toolbox, image: curlimages/curl}]
---
apiVersion: opslab.dev/v1
kind: AppBehavior
metadata: {name: catalog, namespace: demo}
spec:
  selector: {app: catalog}
  responses:
  - {path: /slow, status: 200, body: slow, delay: 5s}
  - {path: /boom, status: 500, body: boom}
  - {prefix: /, status: 200, body: items}
`;

/** istiod at an Istio version (the simulator reads the version from its image tag), as a YAML document to append. */
export const istiod = (tag: string) => `---
apiVersion: apps/v1
kind: Deployment
metadata: {name: istiod, namespace: istio-system}
spec:
  selector: {matchLabels: {app: istiod}}
  template:
    metadata: {labels: {app: istiod}, annotations: {sidecar.istio.io/inject: "false"}}
    spec: {containers: [{name: discovery, image: "docker.io/istio/pilot:${tag}"}]}
`;

export function mesh(extra: string, seed = 1): Mesh {
  return new Mesh([
    { name: 'base.yaml', text: BASE },
    { name: 'istio.yaml', text: extra },
  ], seed);
}

export function labMesh(dir: string): Mesh {
  return new Mesh(readdirSync(dir).sort().map((n) => ({ name: n, text: readFileSync(join(dir, n), 'utf8') })));
}

/** A lab's scenario folder in the simulator, with the lab shell's kubectl/istioctl/curl; bare curl runs from `clientPod`. */
export function labShell(dir: string, clientPod: string) {
  const m = labMesh(dir);
  const fs = new VirtualFS(m.files.map((f) => ({ path: f.name, content: f.text })));
  const shell = createShell({ fs }).register(...meshCommands({ mesh: () => m, clientPod }));
  return { mesh: m, fs, shell };
}
