// `proxy-config all` follows istioctl's PrintFullSummary: the bootstrap's
// versions, then clusters, listeners, routes, secrets and endpoints, each table
// with a NAME column of `<type>/<name>`, separated by one blank line.
import { describe, it, expect } from 'vitest';
import { allTables, bootstrapSummary } from '../../../src/analyzer/configdump/tables.ts';

const node = {
  id: 'sidecar~10.1.0.7~reviews-v1-7d9f.shop~shop.svc.cluster.local',
  metadata: { ISTIO_VERSION: '1.24.2', ISTIO_PROXY_SHA: 'istio-proxy:5b1a9c0e' },
  user_agent_build_version: {
    version: { major_number: 1, minor_number: 32, patch: 3 },
    metadata: { 'build.label': 'dev', 'revision.status': 'Clean', 'build.type': 'RELEASE', 'ssl.version': 'BoringSSL' },
  },
};
const cluster = 'outbound|9080||ratings.shop.svc.cluster.local';
const dump = {
  configs: [
    { '@type': 'type.googleapis.com/envoy.admin.v3.BootstrapConfigDump', bootstrap: { node } },
    {
      '@type': 'type.googleapis.com/envoy.admin.v3.ClustersConfigDump',
      dynamic_active_clusters: [{ cluster: { '@type': 'type.googleapis.com/envoy.config.cluster.v3.Cluster', name: cluster, type: 'EDS' } }],
    },
    {
      '@type': 'type.googleapis.com/envoy.admin.v3.EndpointsConfigDump',
      dynamic_endpoint_configs: [
        {
          endpoint_config: {
            '@type': 'type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment',
            cluster_name: cluster,
            endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: '10.1.0.9', port_value: 9080 } } }, health_status: 'HEALTHY' }] }],
          },
        },
      ],
    },
  ],
};

describe('proxy-config all', () => {
  it('starts with the versions, aligned by a tabwriter with padding 1', () => {
    expect(bootstrapSummary(dump)).toBe(
      'Istio Version:       1.24.2\n' + 'Istio Proxy Version: 5b1a9c0e\n' + 'Envoy Version:       1.32.3-dev/Clean/RELEASE/BoringSSL\n',
    );
  });

  it('prints Envoy 0.0.0 when the node has no build version, and nothing without a bootstrap', () => {
    expect(bootstrapSummary({ configs: [{ '@type': 'type.googleapis.com/envoy.admin.v3.BootstrapConfigDump', bootstrap: { node: { id: 'x' } } }] })).toBe('Envoy Version: 0.0.0\n');
    expect(bootstrapSummary({ configs: [] })).toBeNull();
  });

  it('orders the sections as istioctl does, with a blank line between them and typed names', () => {
    const sections = allTables(dump, { now: new Date('2026-01-01T00:00:00Z') }).split('\n\n');
    expect(sections).toHaveLength(6);
    expect(sections[0]).toMatch(/^Istio Version: +1\.24\.2\n/);
    expect(sections[1]!.split('\n')[0]).toMatch(/^NAME +SERVICE FQDN +PORT +SUBSET +DIRECTION +TYPE +DESTINATION RULE$/);
    expect(sections[1]).toContain(`cluster/${cluster}`);
    expect(sections[2]!.split('\n')[0]).toMatch(/^NAME +ADDRESSES +PORT +MATCH +DESTINATION$/);
    // Routes already start with their NAME, so the prefix goes there instead of a second column.
    expect(sections[3]!.split('\n')[0]).toMatch(/^NAME +VHOST NAME +DOMAINS +MATCH +VIRTUAL SERVICE$/);
    expect(sections[4]).toBe('No active or warming secrets found.');
    const endpointLines = sections[5]!.split('\n');
    expect(endpointLines[0]).toMatch(/^NAME +STATUS +LOCALITY +CLUSTER$/);
    expect(endpointLines[1]!.split(/ {2,}/)).toEqual(['endpoint/10.1.0.9:9080', 'HEALTHY', cluster]);
  });
});
