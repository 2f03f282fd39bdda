// A hop's path as text: one step per line, with the YAML line behind it.
import type { PathStep } from './request.ts';

export function formatPath(path: PathStep[], indent = '    '): string {
  return path
    .map((s) => `${indent}${s.kind.replace('_', ' ')}: ${s.name}${s.detail ? ` — ${s.detail}` : ''}${s.source ? ` [${s.source.resource} ${s.source.file}:${s.source.line}]` : ''}\n`)
    .join('');
}
