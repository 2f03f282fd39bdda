// Reads and validates labs/<id>/lab.yaml. Pure TypeScript (yaml + zod): the
// site build, the CLI and the browser use the same code. Problems are returned
// with the file and line they come from, never thrown as bare zod errors.
import { LineCounter, parseDocument, isNode, type Document } from 'yaml';
import { z } from 'zod';

const localized = z.object({ en: z.string().min(1), zh: z.string().min(1) }).strict();

export const labSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lowercase letters, digits and dashes'),
    chapter: z.string().min(1),
    title: localized,
    summary: localized,
    difficulty: z.enum(['beginner', 'intermediate', 'advanced']),
    minutes: z.number().int().positive(),
    /** planned: described but not playable yet; ready: has a scenario, tasks and a solution. */
    status: z.enum(['planned', 'ready']).default('planned'),
  })
  .passthrough();

export type LabDefinition = z.infer<typeof labSchema>;

export interface LabProblem {
  file: string;
  line: number;
  column: number;
  message: string;
}

export type LabResult = { ok: true; lab: LabDefinition } | { ok: false; problems: LabProblem[] };

/** Where in the YAML source a zod issue path points (the deepest node that exists). */
function positionOf(doc: Document, lines: LineCounter, path: (string | number)[]): { line: number; column: number } {
  for (let n = path.length; n >= 0; n--) {
    const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
    if (isNode(node) && node.range) {
      const pos = lines.linePos(node.range[0]);
      return { line: pos.line, column: pos.col };
    }
  }
  return { line: 1, column: 1 };
}

export function parseLab(text: string, file: string, expectedId?: string): LabResult {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      problems: doc.errors.map((e) => {
        const pos = lines.linePos(e.pos[0]);
        return { file, line: pos.line, column: pos.col, message: e.message.split('\n')[0] ?? e.message };
      }),
    };
  }
  const parsed = labSchema.safeParse(doc.toJS());
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.map((issue) => {
        const where = positionOf(doc, lines, issue.path);
        const field = issue.path.join('.') || '(document)';
        return { file, ...where, message: `${field}: ${issue.message}` };
      }),
    };
  }
  if (expectedId && parsed.data.id !== expectedId) {
    const where = positionOf(doc, lines, ['id']);
    return { ok: false, problems: [{ file, ...where, message: `id: "${parsed.data.id}" does not match its folder "${expectedId}"` }] };
  }
  return { ok: true, lab: parsed.data };
}

export function formatProblems(problems: LabProblem[]): string {
  return problems.map((p) => `${p.file}:${p.line}:${p.column}: ${p.message}`).join('\n');
}
