// Golden tests: expected text written by hand from istioctl's writer rules
// (istioctl/pkg/writer/envoy/configdump: column sets, tabwriter padding 5 for
// clusters/routes/endpoints and 1 for listeners, sort orders, special cells).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readConfigDump } from '../../../src/analyzer/configdump/model.ts';
import { clusterTable, describeRouteDomains, endpointTable, listenerTable, routeTable, secretTable, toIstioctlJson, toIstioctlYaml, selectClusters } from '../../../src/analyzer/configdump/tables.ts';
import { columnBlocks, tabwrite } from '../../../src/analyzer/configdump/tabwriter.ts';
import { goSortSlice } from '../../../src/analyzer/configdump/gosort.ts';
import fc from 'fast-check';

const dump = readConfigDump(readFileSync(new URL('../../fixtures/configdump/sidecar.json', import.meta.url), 'utf8'));
const lines = (...l: string[]) => l.map((x) => x + '\n').join('');

describe('tabwriter', () => {
  it('pads every tab-terminated cell to the widest cell plus padding; the last cell is not padded', () => {
    expect(tabwrite([['A', 'BB', 'C'], ['AAAA', '', '']], 2)).toBe(lines('A     BB  C', 'AAAA      '));
  });
  it('counts runes, not UTF-16 units', () => {
    expect(tabwrite([['名字', 'x'], ['ab', 'y']], 1)).toBe(lines('名字 x', 'ab y'));
    // A surrogate pair is one rune: the fast path for uniform rows must not count it as two.
    expect(tabwrite([['🚀', 'x'], ['ab', 'y']], 1)).toBe(lines('🚀  x', 'ab y'));
  });
  it('writes uniform tables (the fast path) exactly as the general column-block algorithm does', () => {
    const cell = fc.oneof(fc.constantFrom('', '-', 'outbound', '名字', '🚀x'), fc.string({ maxLength: 12 }).filter((c) => !c.includes('\n')));
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 30 }), fc.integer({ min: 0, max: 5 }), fc.array(cell, { minLength: 180, maxLength: 180 }), (cols, n, padding, cells) => {
        const rows = Array.from({ length: n }, (_, i) => Array.from({ length: cols }, (_, j) => cells[(i * cols + j) % cells.length]!));
        expect(tabwrite(rows, padding)).toBe(columnBlocks(rows, padding));
      }),
    );
  });
  it('writes ragged rows (several column blocks) with the general algorithm', () => {
    expect(tabwrite([['a', 'b', 'c'], ['aaaa'], ['a', 'bbbb', 'c']], 1)).toBe(lines('a b c', 'aaaa', 'a bbbb c'));
  });
});

describe('cluster order', () => {
  // istioctl's comparator on the parsed names, as Go's sort.Slice calls it.
  const parse = (name: string) => (name.split('|').length > 3 ? name.split('|') : ['', '0', '', name]);
  const less = (a: string, b: string) => {
    const [di, pi, si, fi] = parse(a);
    const [dj, pj, sj, fj] = parse(b);
    if (fi !== fj) return fi! < fj!;
    if (si !== sj) return si! < sj!;
    if (Number(pi) !== Number(pj)) return Number(pi) < Number(pj);
    return di! < dj!;
  };
  const dumpOf = (names: string[]) =>
    readConfigDump({ configs: [{ '@type': 'type.googleapis.com/envoy.admin.v3.ClustersConfigDump', dynamic_active_clusters: names.map((name, i) => ({ cluster: { name, type: 'EDS', id: i } })) }] });
  const name = fc.oneof(
    fc.tuple(fc.constantFrom('outbound', 'inbound'), fc.constantFrom(80, 443, 9080), fc.constantFrom('', 'v1', 'v2'), fc.constantFrom('a.ns.svc.cluster.local', 'b.ns.svc.cluster.local', '')).map((p) => p.join('|')),
    fc.constantFrom('BlackHoleCluster', 'PassthroughCluster', 'xds-grpc', 'a.ns.svc.cluster.local'),
  );
  it('is the order Go sort.Slice leaves, ties included (same names keep the order pdqsort gives them)', () => {
    fc.assert(
      fc.property(fc.array(name, { minLength: 13, maxLength: 200 }), (names) => {
        const ids = selectClusters(dumpOf(names)).map((c) => c.id);
        const expected = goSortSlice(names.map((n, id) => ({ n, id })), (a, b) => less(a.n, b.n)).map((x) => x.id);
        expect(ids).toEqual(expected);
      }),
    );
  });
});

describe('clusters', () => {
  it('wide table: inbound with empty FQDN first, non-Istio names with dashes, DR name.namespace', () => {
    expect(clusterTable(dump)).toBe(
      lines(
        'SERVICE FQDN                       PORT     SUBSET     DIRECTION     TYPE             DESTINATION RULE',
        '                                   9080     -          inbound       ORIGINAL_DST     ',
        'BlackHoleCluster                   -        -          -             STATIC           ',
        'PassthroughCluster                 -        -          -             ORIGINAL_DST     ',
        'db.shop.svc.cluster.local          5432     -          outbound      EDS              ',
        'prometheus_stats                   -        -          -             STATIC           ',
        'reviews.shop.svc.cluster.local     9080     -          outbound      EDS              ',
        'reviews.shop.svc.cluster.local     9080     v1         outbound      EDS              reviews.shop',
        'reviews.shop.svc.cluster.local     9080     v2         outbound      EDS              reviews.shop',
        'xds-grpc                           -        -          -             STRICT_DNS       ',
      ),
    );
  });
  it('--fqdn --subset --port --direction are substring / |port| matches on the name', () => {
    expect(clusterTable(dump, { fqdn: 'reviews', subset: 'v1' })).toBe(
      lines('SERVICE FQDN                       PORT     SUBSET     DIRECTION     TYPE     DESTINATION RULE', 'reviews.shop.svc.cluster.local     9080     v1         outbound      EDS      reviews.shop'),
    );
    expect(clusterTable(dump, { port: 5432 })).toBe(lines('SERVICE FQDN                  PORT     SUBSET     DIRECTION     TYPE     DESTINATION RULE', 'db.shop.svc.cluster.local     5432     -          outbound      EDS      '));
    expect(clusterTable(dump, { direction: 'inbound' })).toBe(lines('SERVICE FQDN     PORT     SUBSET     DIRECTION     TYPE             DESTINATION RULE', '                 9080     -          inbound       ORIGINAL_DST     '));
  });
  it('-o json prints camelCase with 4-space indent; -o yaml sorted keys', () => {
    const one = selectClusters(dump, { fqdn: 'db.shop' });
    expect(toIstioctlJson(one)).toBe('[\n    {\n        "@type": "type.googleapis.com/envoy.config.cluster.v3.Cluster",\n        "name": "outbound|5432||db.shop.svc.cluster.local",\n        "type": "EDS"\n    }\n]\n');
    expect(toIstioctlYaml(selectClusters(dump, { subset: 'v1' }))).toBe(
      "- '@type': type.googleapis.com/envoy.config.cluster.v3.Cluster\n  edsClusterConfig:\n    serviceName: outbound|9080|v1|reviews.shop.svc.cluster.local\n  metadata:\n    filterMetadata:\n      istio:\n        config: /apis/networking.istio.io/v1/namespaces/shop/destination-rule/reviews\n  name: outbound|9080|v1|reviews.shop.svc.cluster.local\n  type: EDS\n\n",
    );
  });
});

describe('listeners', () => {
  it('wide: sorted by port, one row per chain sorted by DESTINATION descending, inline routes, passthrough names bare', () => {
    expect(listenerTable(dump, { verbose: true })).toBe(
      lines(
        'ADDRESSES  PORT  MATCH                                                                 DESTINATION',
        '10.96.40.2 5432  ALL                                                                   Cluster: outbound|5432||db.shop.svc.cluster.local',
        '0.0.0.0    9080  ALL                                                                   Route: 9080',
        '0.0.0.0    15006 Trans: raw_buffer; Addr: 0.0.0.0/0                                    InboundPassthroughCluster',
        '0.0.0.0    15006 Trans: tls; App: istio-http/1.0,istio-http/1.1,istio-h2; Addr: *:9080 Cluster: inbound|9080||',
        '0.0.0.0    15090 ALL                                                                   Inline Route: /stats/prometheus*',
      ),
    );
  });
  it('short (no verbose): TYPE column; filters --port --type --address', () => {
    expect(listenerTable(dump)).toBe(lines('ADDRESSES  PORT  TYPE', '10.96.40.2 5432  TCP', '0.0.0.0    9080  HTTP', '0.0.0.0    15006 HTTP+TCP', '0.0.0.0    15090 HTTP'));
    expect(listenerTable(dump, { type: 'tcp' })).toBe(lines('ADDRESSES  PORT TYPE', '10.96.40.2 5432 TCP'));
    expect(listenerTable(dump, { address: '0.0.0.0', port: 9080, verbose: true })).toBe(lines('ADDRESSES PORT MATCH DESTINATION', '0.0.0.0   9080 ALL   Route: 9080'));
  });
  it('names the Istio ALPN sets', () => {
    const d = readConfigDump({ configs: [{ '@type': 'type.googleapis.com/envoy.admin.v3.ListenersConfigDump', static_listeners: [{ listener: { name: 'x', address: { socket_address: { address: '0.0.0.0', port_value: 15006 } }, filter_chains: [
      { filter_chain_match: { transport_protocol: 'tls', application_protocols: ['istio-peer-exchange', 'istio'], destination_port: 8080 } },
      { filter_chain_match: { application_protocols: ['http/1.0', 'http/1.1', 'h2c'], server_names: ['a.example', 'b.example'] } },
    ] } }] }] });
    expect(listenerTable(d, { verbose: true })).toBe(
      lines('ADDRESSES PORT  MATCH                                  DESTINATION', '0.0.0.0   15006 Trans: tls; App: TCP TLS; Addr: *:8080 Non-HTTP/Non-TCP', '0.0.0.0   15006 SNI: a.example,b.example; App: HTTP    Non-HTTP/Non-TCP'),
    );
  });
});

describe('routes', () => {
  it('wide: PassthroughCluster routes hidden, domains shortened, VS name.namespace', () => {
    expect(routeTable(dump, { verbose: true })).toBe(
      lines(
        'NAME     VHOST NAME                              DOMAINS                               MATCH     VIRTUAL SERVICE',
        '9080     reviews.shop.svc.cluster.local:9080     reviews, reviews.shop + 1 more...     /*        reviews.shop',
        '9080     reviews.shop.svc.cluster.local:9080     reviews, reviews.shop + 1 more...     /*        reviews.shop',
      ),
    );
  });
  it('short: vhost count; --name filter; a vhost without routes shows /* 404', () => {
    expect(routeTable(dump)).toBe(lines('NAME     VIRTUAL HOSTS', '9080     2'));
    const d = readConfigDump({ configs: [{ '@type': 'type.googleapis.com/envoy.admin.v3.RoutesConfigDump', dynamic_route_configs: [
      { route_config: { name: 'http.8080', virtual_hosts: [{ name: 'blackhole:8080', domains: ['*'] }] } },
      { route_config: { name: '80', virtual_hosts: [] } },
    ] }] });
    expect(routeTable(d, { verbose: true, name: 'http.8080' })).toBe(lines('NAME          VHOST NAME         DOMAINS     MATCH     VIRTUAL SERVICE', 'http.8080     blackhole:8080     *           /*        404'));
  });
  it('DOMAINS rules', () => {
    expect(describeRouteDomains(['a.ns.svc.cluster.local', 'a.ns.svc.cluster.local:80', 'a', 'a:80'])).toBe('a.ns.svc.cluster.local, a');
    // a bracketed IPv6 needs more than two colons to be kept (istioctl counts them)
    expect(describeRouteDomains(['[fd00:10:96::7fc7]', '[fd00:10:96::7fc7]:80', 'x'])).toBe('[fd00:10:96::7fc7], x');
    expect(describeRouteDomains(['[fd00::1]', 'x'])).toBe('x');
    expect(describeRouteDomains(['only:80'])).toBe('only:80');
  });
});

describe('endpoints (EDS)', () => {
  it('one row per endpoint, empty assignments dropped, sorted by fqdn/subset/port', () => {
    expect(endpointTable(dump)).toBe(
      lines(
        'NAME               STATUS        LOCALITY               CLUSTER',
        '10.1.0.30:5432     UNHEALTHY                            outbound|5432||db.shop.svc.cluster.local',
        '10.1.0.21:9080     HEALTHY       eu-west/eu-west-1a     outbound|9080||reviews.shop.svc.cluster.local',
        '10.1.0.9:9080      UNHEALTHY     eu-west/eu-west-1a     outbound|9080||reviews.shop.svc.cluster.local',
        '10.1.0.21:9080     HEALTHY       eu-west/eu-west-1a     outbound|9080|v1|reviews.shop.svc.cluster.local',
      ),
    );
  });
  it('--status, --cluster, --address (ip:port), --port', () => {
    expect(endpointTable(dump, { status: 'unhealthy', port: 9080 })).toBe(lines('NAME              STATUS        LOCALITY               CLUSTER', '10.1.0.9:9080     UNHEALTHY     eu-west/eu-west-1a     outbound|9080||reviews.shop.svc.cluster.local'));
    expect(endpointTable(dump, { address: '10.1.0.21:9080', cluster: 'outbound|9080|v1|reviews.shop.svc.cluster.local' })).toBe(
      lines('NAME               STATUS      LOCALITY               CLUSTER', '10.1.0.21:9080     HEALTHY     eu-west/eu-west-1a     outbound|9080|v1|reviews.shop.svc.cluster.local'),
    );
  });
});

describe('secrets', () => {
  it('no active or warming secrets', () => {
    expect(secretTable(dump)).toBe('No active or warming secrets found.\n');
  });
});

describe('secrets with a certificate', () => {
  // test-cert.pem: made with `openssl req -x509 -days 3650 -set_serial 0x0123abcd`; openssl printed
  // serial=0123ABCD, notBefore=Nov 23 09:33:02 2026 GMT, notAfter=Nov 20 09:33:02 2036 GMT
  const pem = readFileSync(new URL('../../fixtures/configdump/test-cert.pem', import.meta.url), 'utf8');
  const b64 = btoa(pem);
  const d = readConfigDump({ configs: [{ '@type': 'type.googleapis.com/envoy.admin.v3.SecretsConfigDump',
    dynamic_warming_secrets: [{ name: 'kubernetes://shop-cert', version_info: 'uninitialized' }],
    dynamic_active_secrets: [
      { name: 'default', secret: { name: 'default', tls_certificate: { certificate_chain: { inline_bytes: b64 }, private_key: { inline_bytes: 'W3JlZGFjdGVkXQ==' } } } },
      { name: 'ROOTCA', secret: { name: 'ROOTCA', validation_context: { trusted_ca: { inline_bytes: b64 } } } },
    ] }] });
  it('warming first, then active; serial as %x, RFC3339 dates, VALID CERT by now', () => {
    expect(secretTable(d, new Date('2030-01-01T00:00:00Z'))).toBe(
      lines(
        'RESOURCE NAME              TYPE           STATUS      VALID CERT     SERIAL NUMBER     NOT AFTER                NOT BEFORE',
        'kubernetes://shop-cert' + ' '.repeat(20) + 'WARMING     false' + ' '.repeat(10 + 18 + 25),
        'default                    Cert Chain     ACTIVE      true           123abcd           2036-11-20T09:33:02Z     2026-11-23T09:33:02Z',
        'ROOTCA                     CA             ACTIVE      true           123abcd           2036-11-20T09:33:02Z     2026-11-23T09:33:02Z',
      ),
    );
  });
});
