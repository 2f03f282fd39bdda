// lab.yaml `serve:` — debug endpoints and logs answered from lab files.
import { describe, expect, it } from 'vitest';
import { parseLab, isReady } from '../../src/lab/definition.ts';

// Line numbers below refer to this text.
const lab = `id: demo
chapter: debug-istio/istiod-debug
title: { en: A title, zh: 标题 }
summary: { en: A summary, zh: 摘要 }
difficulty: beginner
minutes: 10
status: ready
files:
  - { path: mesh.yaml, kind: yaml, content: "kind: Namespace" }
  - { path: istiod/metrics.txt, kind: stats, content: "pilot_xds 1" }
scenario: [mesh.yaml]
serve:
  - { pod: istio-system/istiod, port: 15014, path: /metrics, file: istiod/metrics.txt }
  - { pod: istio-system/istiod, logs: true, file: istiod/metrics.txt }
tasks:
  - id: look
    title: { en: Look, zh: 看 }
    check: { kind: command-run, command: "15014/metrics" }
explanation: { en: Because., zh: 因为。 }
solution: { commands: [istioctl proxy-status] }
`;

const problems = (text: string) => {
  const r = parseLab(text, 'lab.yaml');
  return r.ok ? [] : r.problems;
};

describe('serve', () => {
  it('accepts endpoints (port + path) and logs, and defaults to none', () => {
    const r = parseLab(lab, 'lab.yaml');
    expect(r.ok).toBe(true);
    if (r.ok && isReady(r.lab)) expect(r.lab.serve).toHaveLength(2);
    const without = parseLab(lab.replace(/serve:\n(  - .*\n)+/, ''), 'lab.yaml');
    expect(without.ok && isReady(without.lab) && without.lab.serve).toEqual([]);
  });

  it('rejects a port without a path, and an entry that is both an endpoint and a log', () => {
    expect(problems(lab.replace(', path: /metrics', ''))[0]).toMatchObject({ line: 13, message: expect.stringContaining('give `port` and `path`') });
    expect(problems(lab.replace('logs: true,', 'logs: true, port: 15014, path: /x,'))[0]).toMatchObject({ line: 14, message: expect.stringContaining('give `port` and `path`') });
    expect(problems(lab.replace('path: /metrics', 'path: metrics'))[0]?.message).toContain('starting with "/"');
  });

  it('rejects a file the lab does not have, and served files without a scenario', () => {
    expect(problems(lab.replace('port: 15014, path: /metrics, file: istiod/metrics.txt', 'port: 15014, path: /metrics, file: other.txt'))[0]).toMatchObject({ line: 13, message: expect.stringContaining('"other.txt" is not one of the lab') });
    expect(problems(lab.replace('scenario: [mesh.yaml]\n', ''))[0]?.message).toContain('need a `scenario`');
  });
});
