import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { keepaliveGroups, parseSs, socketAnalyzer, splitEndpoint } from '../../../src/analyzer/sockets/index.ts';

const text = (name: string) => readFileSync(new URL(`../../fixtures/sockets/${name}`, import.meta.url), 'utf8');
const analyze = (name: string, t = text(name)) => socketAnalyzer.analyze({ name, text: t, bytes: new Uint8Array() });

describe('ss parsing', () => {
  it('reads state, endpoints, process and timer of `ss -tnpo`', () => {
    const { sockets, problems } = parseSs(text('ss-tnpo-no-keepalive.txt'));
    expect(problems).toEqual([]);
    expect(sockets).toHaveLength(11);
    expect(sockets[6]).toMatchObject({ state: 'ESTAB', local: { address: '10.8.4.21', port: '51230' }, peer: { address: '172.16.30.2', port: '443' }, process: 'billing', pid: 1, timer: { name: 'keepalive', expires: '1min52sec', retrans: 0 }, line: 8 });
    expect(sockets[10]!.timer!.name).toBe('timewait');
  });

  it('reads the state-filtered form and IPv6-mapped addresses', () => {
    const { sockets } = parseSs(text('ss-state-established.txt'));
    expect(sockets.map((s) => [s.state, s.local.address, s.peer.address])).toEqual([
      [null, '10.8.5.30', '10.1.0.77'],
      [null, '10.8.5.30', '10.1.0.78'],
      [null, '10.8.5.30', '10.1.0.79'],
    ]);
    expect(splitEndpoint('[::1]:15000')).toEqual({ address: '::1', port: '15000' });
  });

  it('attaches a timer printed on a continuation line', () => {
    const { sockets } = parseSs('tcp ESTAB 0 0 10.0.0.1:50000 10.0.0.2:80 users:(("app",pid=7,fd=3))\n\t timer:(keepalive,10sec,0)\n');
    expect(sockets[0]!.timer).toEqual({ name: 'keepalive', expires: '10sec', retrans: 0 });
  });

  it('groups a pool by peer and a server by its port', () => {
    const groups = keepaliveGroups(parseSs(text('ss-tnpo-no-keepalive.txt')).sockets);
    expect(groups.map((g) => [g.local, g.peer, g.withKeepalive, g.withoutKeepalive])).toEqual([
      ['10.8.4.21', '10.20.7.14:5432', 0, 3],
      ['10.8.4.21', '172.16.30.2:443', 2, 0],
      ['10.8.4.21:8080', '10.8.9.3', 1, 0],
      ['127.0.0.1', '127.0.0.1:15000', 0, 1],
    ]);
  });
});

describe('keepalive findings', () => {
  it('reports the database pool without keepalive, not loopback', async () => {
    const r = await analyze('ss-tnpo-no-keepalive.txt');
    expect(r.findings.map((f) => [f.code, f.severity, f.line, f.chapter])).toEqual([['OPS701', 'warning', 5, 'common-problem/tcp-keepalive']]);
    expect(r.findings[0]!.message.en).toContain('3 established connection(s) from 10.8.4.21 by billing (pid 1) to 10.20.7.14:5432');
  });

  it('says nothing when every connection has keepalive', async () => {
    expect((await analyze('ss-state-established.txt')).findings).toEqual([]);
  });

  it('without -o, does not guess and says why', async () => {
    const r = await analyze('no-o.txt', 'State Recv-Q Send-Q Local Address:Port Peer Address:Port\nESTAB 0 0 10.0.0.1:50000 10.0.0.2:5432\n');
    expect(r.findings).toEqual([]);
    expect(r.summary!.join('\n')).toContain('was ss run with -o?');
  });

  it('garbage gives a clear error', async () => {
    expect((await analyze('ss-garbage.txt')).error).toMatch(/no socket line could be read \(line 2/);
  });
});
