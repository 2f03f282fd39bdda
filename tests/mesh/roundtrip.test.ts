// Round trips through the other analyzers: the derived /config_dump read back by
// the config-dump reader gives istioctl's tables with the rows Istio would show
// (cluster names `outbound|PORT|SUBSET|FQDN`, docs: istioctl proxy-config
// cluster); the emitted access-log lines read back by the access-log reader give
// the entries the simulator wrote, for Istio's TEXT format and for JSON.
import { describe, expect, it } from 'vitest';
import { readConfigDump } from '../../src/analyzer/configdump/model.ts';
import { clusterTable, routeTable } from '../../src/analyzer/configdump/tables.ts';
import { readAccessLog } from '../../src/analyzer/accesslog/index.ts';
import { mesh } from './fixtures.ts';

const ROUTING = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: catalog, namespace: demo}
spec:
  hosts: [catalog]
  http:
  - name: api
    match: [{uri: {prefix: /api}}]
    route: [{destination: {host: catalog, subset: v1}}]
  - route: [{destination: {host: catalog}}]
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: catalog, namespace: demo}
spec:
  host: catalog
  trafficPolicy:
    connectionPool: {tcp: {tcpKeepalive: {time: 300s, interval: 30s}}}
  subsets:
  - {name: v1, labels: {version: v1}}
`;

describe('derived config dump → config-dump analyzer', () => {
  it('reads back without problems, clusters as istioctl lists them', () => {
    const m = mesh(ROUTING);
    const dump = readConfigDump(JSON.stringify(m.configDump(m.pod('demo/toolbox')!)));
    expect(dump.problems).toEqual([]);
    const lines = clusterTable(dump, { fqdn: 'catalog' }).split('\n');
    expect(lines[0]).toMatch(/^SERVICE FQDN +PORT +SUBSET +DIRECTION +TYPE +DESTINATION RULE$/);
    expect(lines[1]).toMatch(/^catalog\.demo\.svc\.cluster\.local +5000 +- +outbound +EDS +catalog\.demo$/);
    expect(lines[2]).toMatch(/^catalog\.demo\.svc\.cluster\.local +5000 +v1 +outbound +EDS +catalog\.demo$/);
    const ka = dump.clusters.find((c) => c.name === 'outbound|5000||catalog.demo.svc.cluster.local')!.value as { upstream_connection_options?: { tcp_keepalive?: Record<string, number> } };
    expect(ka.upstream_connection_options?.tcp_keepalive).toEqual({ keepalive_time: 300, keepalive_interval: 30 });
  });
  it('routes: the VirtualService rules in order under route config 5000', () => {
    const m = mesh(ROUTING);
    const table = routeTable(m.configDump(m.pod('demo/toolbox')!), { name: '5000', verbose: true });
    const rows = table.split('\n').filter((l) => l.startsWith('5000 '));
    expect(rows[0]).toMatch(/catalog\.demo\.svc\.cluster\.local:5000 +.* +\/api\* +catalog\.demo$/);
    expect(rows[1]).toMatch(/catalog\.demo\.svc\.cluster\.local:5000 +.* +\/\* +catalog\.demo$/);
  });
});

describe('emitted access logs → access-log reader', () => {
  const fields = ['method', 'path', 'response_code', 'response_flags', 'response_code_details', 'bytes_sent', 'duration', 'authority', 'upstream_host', 'upstream_cluster', 'downstream_local_address', 'downstream_remote_address', 'route_name', 'request_id'] as const;
  for (const encoding of ['TEXT', 'JSON']) {
    it(`${encoding}: every line reads back to the entry that was written`, () => {
      const cm = `---
apiVersion: v1
kind: ConfigMap
metadata: {name: istio, namespace: istio-system}
data:
  mesh: |
    accessLogEncoding: ${encoding}
`;
      const m = mesh(ROUTING + cm);
      const hops = [
        ...m.curl(m.pod('demo/toolbox')!, ['curl', 'http://catalog:5000/api/items']).outcome!.hops,
        ...m.curl(m.pod('demo/toolbox')!, ['curl', 'http://catalog:5000/slow']).outcome!.hops,
      ];
      if (encoding === 'JSON') expect(hops[0]!.log.startsWith('{"authority":"catalog:5000"')).toBe(true);
      const { entries, result } = readAccessLog(hops.map((h) => h.log).join('\n') + '\n');
      expect(result.problemCount).toBe(0);
      expect(entries).toHaveLength(hops.length);
      entries.forEach((e, i) => {
        for (const f of fields) expect(e[f]).toEqual(hops[i]!.entry[f]);
      });
    });
  }
});
