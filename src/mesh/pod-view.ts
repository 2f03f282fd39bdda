// The pod as the API server returns it after Istio's injector ran: what `kubectl get
// pod -o yaml` and `kubectl describe pod` show. A sidecar pod gets the istio-init init
// container and istio-proxy; with holdApplicationUntilProxyStarts the injector puts
// istio-proxy first, with a postStart hook `pilot-agent wait` (so the kubelet starts the
// next container only once the proxy is ready), else it comes last. Container states
// and restart counts come from the pod's start (startup.ts).
import { arr, obj, str } from '../analyzer/resources/values.ts';
import { isoTime } from './request.ts';
import type { Mesh } from './mesh.ts';
import type { PodInstance } from './scenario.ts';
import { appContainerName, type PodStart } from './startup.ts';

type Json = Record<string, unknown>;

/** `2024-05-01T08:00:03Z`: Kubernetes timestamps have whole seconds. */
const kubeTime = (ms: number): string => isoTime(ms).replace(/\.\d+Z$/, 'Z');
/** `Wed, 01 May 2024 08:00:03 +0000`, as kubectl describe prints times. */
const describeTime = (ms: number): string => new Date(Date.parse(isoTime(ms))).toUTCString().replace('GMT', '+0000');

/** RESTARTS as kubectl (1.27+) prints it: the count and how long ago the last restart was. */
export const restartsColumn = (start: PodStart, age: string): string => {
  const restarts = start.runs.length - 1;
  return restarts ? `${restarts} (${age} ago)` : '0';
};

function proxyContainer(mesh: Mesh, held: boolean): Json {
  return {
    name: 'istio-proxy',
    image: `docker.io/istio/proxyv2:${mesh.scenario.mesh.istioVersion}`,
    args: ['proxy', 'sidecar', '--domain', '$(POD_NAMESPACE).svc.cluster.local', '--proxyLogLevel=warning', '--proxyComponentLogLevel=misc:error', '--log_output_level=default:info'],
    ports: [{ containerPort: 15090, name: 'http-envoy-prom', protocol: 'TCP' }],
    readinessProbe: { httpGet: { path: '/healthz/ready', port: 15021 }, periodSeconds: 15, failureThreshold: 4 },
    ...(held ? { lifecycle: { postStart: { exec: { command: ['pilot-agent', 'wait'] } } } } : {}),
  };
}

function initContainer(mesh: Mesh): Json {
  return {
    name: 'istio-init',
    image: `docker.io/istio/proxyv2:${mesh.scenario.mesh.istioVersion}`,
    args: ['istio-iptables', '-p', '15001', '-z', '15006', '-u', '1337', '-m', 'REDIRECT', '-i', '*', '-x', '', '-b', '*', '-d', '15090,15021,15020', '--log_output_level=default:info'],
  };
}

/** Did the injector hold the app for this pod? What its start recorded, else the current setting. */
const heldOf = (mesh: Mesh, pod: PodInstance): boolean => mesh.starts.get(`${pod.name}.${pod.namespace}`)?.held ?? (pod.proxy === 'sidecar' && pod.holdApplication);

/** The containers in the order the pod runs them (the injected istio-proxy included). */
export function podContainers(mesh: Mesh, pod: PodInstance): Json[] {
  const own = arr(pod.workload.podSpec.containers).map(obj);
  if (pod.proxy !== 'sidecar') return own;
  const held = heldOf(mesh, pod);
  return held ? [proxyContainer(mesh, true), ...own] : [...own, proxyContainer(mesh, false)];
}

interface ContainerState {
  name: string;
  restarts: number;
  ready: boolean;
  startedAt: number;
  last: { exitCode: number; startedAt: number; finishedAt: number } | null;
  waiting: boolean;
}

function containerStates(mesh: Mesh, pod: PodInstance): ContainerState[] {
  const start = mesh.starts.get(`${pod.name}.${pod.namespace}`);
  const podStart = start?.startedAt ?? 0;
  return podContainers(mesh, pod).map((c) => {
    const name = str(c.name) ?? '?';
    if (!start || name !== start.container) return { name, restarts: 0, ready: pod.ready, startedAt: podStart, last: null, waiting: false };
    const current = start.runs[start.runs.length - 1]!;
    const prev = start.runs[start.runs.length - 2];
    const last = start.crashLoop ? current : prev;
    return {
      name,
      restarts: start.runs.length - 1,
      ready: !start.crashLoop && pod.ready,
      startedAt: current.startedAt,
      last: last ? { exitCode: last.exitCode ?? 0, startedAt: last.startedAt, finishedAt: last.finishedAt ?? last.startedAt } : null,
      waiting: start.crashLoop,
    };
  });
}

/** The pod object after injection, with its status. */
export function injectedPod(mesh: Mesh, pod: PodInstance): Json {
  const spec = pod.workload.podSpec;
  const annotations: Record<string, string> = { ...pod.workload.annotations };
  if (pod.proxy === 'sidecar') {
    annotations['kubectl.kubernetes.io/default-container'] = appContainerName(pod);
    annotations['kubectl.kubernetes.io/default-logs-container'] = appContainerName(pod);
  }
  const statuses = containerStates(mesh, pod).map((s) => ({
    name: s.name,
    ready: s.ready,
    restartCount: s.restarts,
    started: !s.waiting,
    state: s.waiting ? { waiting: { reason: 'CrashLoopBackOff' } } : { running: { startedAt: kubeTime(s.startedAt) } },
    lastState: s.last ? { terminated: { exitCode: s.last.exitCode, reason: 'Error', startedAt: kubeTime(s.last.startedAt), finishedAt: kubeTime(s.last.finishedAt) } } : {},
  }));
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: pod.name, namespace: pod.namespace, labels: pod.labels, ...(Object.keys(annotations).length ? { annotations } : {}) },
    spec: {
      ...spec,
      ...(pod.proxy === 'sidecar' ? { initContainers: [...arr(spec.initContainers), initContainer(mesh)] } : {}),
      containers: podContainers(mesh, pod),
    },
    status: { phase: 'Running', podIP: pod.ip, containerStatuses: statuses },
  };
}

/** The `Containers:` section of `kubectl describe pod`, in the pod's container order. */
export function describeContainers(mesh: Mesh, pod: PodInstance): string {
  const containers = podContainers(mesh, pod);
  const states = containerStates(mesh, pod);
  const out = ['Containers:'];
  const row = (indent: number, key: string, value: string | number) => out.push(`${' '.repeat(indent)}${(key + ':').padEnd(20 - indent)}${value}`);
  containers.forEach((c, i) => {
    const s = states[i]!;
    out.push(`  ${s.name}:`);
    row(4, 'Image', str(c.image) ?? '<none>');
    if (s.waiting) {
      row(4, 'State', 'Waiting');
      row(6, 'Reason', 'CrashLoopBackOff');
    } else {
      row(4, 'State', 'Running');
      row(6, 'Started', describeTime(s.startedAt));
    }
    if (s.last) {
      row(4, 'Last State', 'Terminated');
      row(6, 'Reason', 'Error');
      row(6, 'Exit Code', s.last.exitCode);
      row(6, 'Started', describeTime(s.last.startedAt));
      row(6, 'Finished', describeTime(s.last.finishedAt));
    }
    row(4, 'Ready', s.ready ? 'True' : 'False');
    row(4, 'Restart Count', s.restarts);
  });
  return out.join('\n') + '\n';
}
