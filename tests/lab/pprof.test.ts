// The lab's `pprof`: pprof's -top report, -base, the flame graph as text, and
// profiles kept byte for byte in the text file system.
import { describe, expect, it } from 'vitest';
import { createShell, VirtualFS } from '../../src/shell/index.ts';
import { bytesToBinaryString, contentBytes, isBinaryString } from '../../src/shell/binary.ts';
import { pprofCommand, scaled } from '../../src/lab/pprof.ts';
import { buildProfile, gzip } from '../analyzer/profiles/make-profiles.ts';

const MB = 1024 * 1024;
const TYPES: Array<[string, string]> = [['inuse_objects', 'count'], ['inuse_space', 'bytes']];

/** 100 MB in use: 60 under a stats function, 30 in cluster config, 10 in a buffer. */
const now = () =>
  buildProfile(TYPES, [
    { stack: ['main', 'worker', 'Stats::makeCounter'], values: [600, 60 * MB] },
    { stack: ['main', 'xds', 'ClusterInfoImpl'], values: [30, 30 * MB] },
    { stack: ['main', 'worker', 'Buffer::reserve'], values: [10, 10 * MB] },
  ]);
/** Earlier: the same, with 20 MB of stats. */
const earlier = () =>
  buildProfile(TYPES, [
    { stack: ['main', 'worker', 'Stats::makeCounter'], values: [200, 20 * MB] },
    { stack: ['main', 'xds', 'ClusterInfoImpl'], values: [30, 30 * MB] },
    { stack: ['main', 'worker', 'Buffer::reserve'], values: [10, 10 * MB] },
  ]);

async function shellWithProfiles() {
  const fs = new VirtualFS([
    { path: 'now.pb.gz', content: bytesToBinaryString(await gzip(now().encode())) },
    { path: 'earlier.pb.gz', content: bytesToBinaryString(await gzip(earlier().encode())) },
    { path: 'notes.txt', content: 'not a profile\n' },
  ]);
  return createShell({ fs }).register(pprofCommand);
}

describe('binary files in the text file system', () => {
  it('round-trips every byte value and tells gzip from text', () => {
    const bytes = new Uint8Array([0x1f, 0x8b, 0, 127, 128, 200, 255, 10]);
    const s = bytesToBinaryString(bytes);
    expect(isBinaryString(s)).toBe(true);
    expect([...contentBytes(s)]).toEqual([...bytes]);
    expect(isBinaryString('{"allocated": "1"}')).toBe(false);
    expect([...contentBytes('é')]).toEqual([0xc3, 0xa9]); // text stays UTF-8
  });
});

describe('pprof', () => {
  it('scales bytes like pprof (1024-based, two decimals)', () => {
    expect([scaled(512, 'bytes'), scaled(1536, 'bytes'), scaled(141.3 * MB, 'bytes'), scaled(-43.9 * MB, 'bytes'), scaled(2.5e9, 'nanoseconds')]).toEqual(['512B', '1.50kB', '141.30MB', '-43.90MB', '2.50s']);
  });

  it('-top: header, then nodes by flat with flat%, sum%, cum, cum%', async () => {
    const r = await (await shellWithProfiles()).run('pprof -top envoy now.pb.gz');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe(
      [
        'Type: inuse_space',
        'Showing nodes accounting for 100MB, 100% of 100MB total'.replace(/100MB/g, '100.00MB').replace('100%', '100.00%'),
        '      flat  flat%   sum%        cum   cum%',
        '   60.00MB 60.00% 60.00%    60.00MB 60.00%  Stats::makeCounter',
        '   30.00MB 30.00% 90.00%    30.00MB 30.00%  ClusterInfoImpl',
        '   10.00MB 10.00% 100.00%    10.00MB 10.00%  Buffer::reserve',
        '        0B  0.00% 100.00%   100.00MB 100.00%  main',
        '        0B  0.00% 100.00%    70.00MB 70.00%  worker',
        '        0B  0.00% 100.00%    30.00MB 30.00%  xds',
        '',
      ].join('\n'),
    );
  });

  it('-cum sorts by cumulative; -sample_index picks another value', async () => {
    const shell = await shellWithProfiles();
    const cum = (await shell.run('pprof -top -cum now.pb.gz')).stdout.split('\n');
    expect(cum.slice(3, 5).map((l) => l.split(/\s+/).pop())).toEqual(['main', 'worker']);
    const objects = await shell.run('pprof -top -sample_index=inuse_objects now.pb.gz');
    expect(objects.stdout).toContain('Type: inuse_objects');
    expect(objects.stdout).toMatch(/\s600 .*Stats::makeCounter/);
    expect((await shell.run('pprof -top -sample_index=cpu now.pb.gz')).exitCode).toBe(1);
  });

  it('-base shows only what grew: the 40 MB of stats', async () => {
    const r = await (await shellWithProfiles()).run('pprof -top -base earlier.pb.gz now.pb.gz');
    const lines = r.stdout.split('\n');
    expect(lines[1]).toBe('Showing nodes accounting for 40.00MB, 100.00% of 40.00MB total');
    // ClusterInfoImpl, Buffer::reserve and xds did not change.
    expect(lines[2]).toBe('Dropped 3 nodes (cum <= 204.80kB)');
    expect(lines[4]).toBe('   40.00MB 100.00% 100.00%    40.00MB 100.00%  Stats::makeCounter');
  });

  it('-http draws the flame graph: root on top, children share its width by value', async () => {
    const r = await (await shellWithProfiles()).run('pprof -http=localhost:8000 now.pb.gz');
    const rows = r.stdout.split('\n');
    expect(rows[0]).toBe('Serving web UI on http://localhost:8000');
    const graph = rows.slice(rows.indexOf('Type: inuse_space') + 1).filter(Boolean);
    expect(graph[0]).toBe(`[${'all 100.00MB'.padEnd(76)}]`);
    expect(graph[1]).toBe(`[${'main'.padEnd(76, '·')}]`);
    // 78 columns: worker 70% (55 columns), xds 30% (23).
    expect(graph[2]).toBe(`[${'worker'.padEnd(53, '·')}][${'xds'.padEnd(21, '·')}]`);
    // Under worker: makeCounter 60 of its 70 (47 columns), the buffer the other 8, cut with an ellipsis.
    expect(graph[3]).toBe(`[${'Stats::makeCounter'.padEnd(45, '·')}][Buffe…][${'ClusterInfoImpl'.padEnd(21, '·')}]`);
  });

  it('says what is wrong with a missing file, a non-profile and a bad flag', async () => {
    const shell = await shellWithProfiles();
    expect((await shell.run('pprof -top nothing.pb.gz')).stderr).toContain('no such file');
    expect((await shell.run('pprof -top notes.txt')).stderr).toContain('not a pprof profile');
    expect((await shell.run('pprof -list now.pb.gz')).exitCode).toBe(2);
    expect((await shell.run('pprof now.pb.gz')).exitCode).toBe(2);
    expect((await shell.run('pprof -top http://localhost:15000/heap_dump')).exitCode).toBe(1);
  });
});
