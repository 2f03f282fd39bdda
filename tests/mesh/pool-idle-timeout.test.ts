// Idle pooled connections: who closes them first decides whether a request can
// meet a closing connection. Expected values come from Istio's DestinationRule
// reference (connectionPool.http.idleTimeout: idle period after which Envoy
// closes an upstream pool connection, default 1h), Envoy's cluster API
// (typed_extension_protocol_options → HttpProtocolOptions.common_http_protocol_options.idle_timeout),
// and the guide's chapter upstream-connection-termination (503 UC
// upstream_reset_before_response_started{connection_termination}).
import { describe, expect, it } from 'vitest';
import { Mesh } from '../../src/mesh/index.ts';
import { BASE } from './fixtures.ts';

// An app without a sidecar that closes keep-alive connections 5 s after use; the
// closing instant is widened to 2 s so a request lands in it on purpose.
const NODE_APP = `apiVersion: v1
kind: Service
metadata: {name: stock, namespace: demo}
spec:
  selector: {app: stock}
  ports: [{name: http, port: 3000}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: stock, namespace: demo}
spec:
  selector: {matchLabels: {app: stock}}
  template:
    metadata:
      labels: {app: stock}
      annotations: {sidecar.istio.io/inject: "false"}
    spec:
      containers: [{name: stock, ports: [{containerPort: 3000}]}]
---
apiVersion: opslab.dev/v1
kind: AppBehavior
metadata: {name: stock, namespace: demo}
spec:
  selector: {app: stock}
  keepaliveTimeout: 5s
  closeRaceWindow: 2s
  responses:
  - {prefix: /, status: 200, body: in-stock}
`;

const dr = (idle: string) => `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: stock, namespace: demo}
spec:
  host: stock.demo.svc.cluster.local
  trafficPolicy:
    connectionPool:
      http: {idleTimeout: ${idle}}
`;

function meshOf(...texts: string[]): Mesh {
  return new Mesh([{ name: 'base.yaml', text: BASE }, ...texts.map((text, i) => ({ name: `case-${i}.yaml`, text }))], 1);
}

/** Two calls with `idleMs` between the first one's start and the second one's start. */
function callsApart(m: Mesh, idleMs: number) {
  const from = m.pod('demo/toolbox')!;
  const call = () => m.curl(from, ['curl', '-s', 'http://stock:3000/']).outcome!;
  const start = m.sim.clock;
  const first = call();
  m.sim.clock = start + idleMs;
  const second = call();
  return { first: first.hops[0]!.entry, second: second.hops[0]!.entry, status: second.client.status };
}

describe('a server keep-alive timeout with a race window (AppBehavior closeRaceWindow)', () => {
  it('a call before the keep-alive timeout reuses the connection', () => {
    const { first, second, status } = callsApart(meshOf(NODE_APP), 4_000);
    expect(status).toBe(200);
    expect(second.upstream_local_address).toBe(first.upstream_local_address);
  });

  it('a call while the server is closing meets the closed connection: 503 UC on the same local port', () => {
    for (const idle of [5_000, 6_000, 6_900]) {
      const { first, second, status } = callsApart(meshOf(NODE_APP), idle);
      expect(status).toBe(503);
      expect(second.response_flags).toEqual(['UC']);
      expect(second.response_code_details).toBe('upstream_reset_before_response_started{connection_termination}');
      expect(second.upstream_local_address).toBe(first.upstream_local_address);
    }
  });

  it('after the window the proxy has seen the FIN: a new connection, a new local port', () => {
    for (const idle of [7_100, 60_000]) {
      const { first, second, status } = callsApart(meshOf(NODE_APP), idle);
      expect(status).toBe(200);
      expect(second.upstream_local_address).not.toBe(first.upstream_local_address);
    }
  });
});

describe('DestinationRule connectionPool.http.idleTimeout', () => {
  it('below the server keep-alive: Envoy closes first, so the call after 6 s opens a new connection', () => {
    const { first, second, status } = callsApart(meshOf(NODE_APP, dr('4s')), 6_000);
    expect(status).toBe(200);
    expect(second.response_flags).toEqual([]);
    expect(second.upstream_local_address).not.toBe(first.upstream_local_address);
  });

  it('above the server keep-alive it does not help: the server still closes first', () => {
    expect(callsApart(meshOf(NODE_APP, dr('30s')), 6_000).status).toBe(503);
  });

  it('is written into the cluster as HttpProtocolOptions common_http_protocol_options.idle_timeout', () => {
    const m = meshOf(NODE_APP, dr('4s'));
    const text = JSON.stringify(m.configDump(m.pod('demo/toolbox')!));
    const dump = JSON.parse(text) as { configs: { dynamic_active_clusters?: { cluster: Record<string, unknown> }[] }[] };
    const clusters = dump.configs.flatMap((c) => c.dynamic_active_clusters ?? []).map((c) => c.cluster);
    const stock = clusters.find((c) => c.name === 'outbound|3000||stock.demo.svc.cluster.local')!;
    expect(stock.typed_extension_protocol_options).toEqual({
      'envoy.extensions.upstreams.http.v3.HttpProtocolOptions': {
        '@type': 'type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions',
        common_http_protocol_options: { idle_timeout: '4s' },
        explicit_http_config: { http_protocol_options: {} },
      },
    });
  });

  it('below a middlebox idle timeout: the connection is closed by Envoy before the middlebox forgets it', () => {
    const dropping = NODE_APP.replace('keepaliveTimeout: 5s\n  closeRaceWindow: 2s', 'networkIdleTimeout: 900s');
    expect(callsApart(meshOf(dropping), 20 * 60_000).status).toBe(503);
    expect(callsApart(meshOf(dropping, dr('600s')), 20 * 60_000).status).toBe(200);
  });
});
