// Reads and validates labs/<id>/lab.yaml. Pure TypeScript (yaml + zod): the
// site build, the CLI and the browser use the same code. Problems are returned
// with the file and line they come from, never thrown as bare zod errors.
//
// A `planned` lab needs only the card fields (id … minutes). A `ready` lab also
// needs what the runtime plays: files, tasks with checks, hints, an explanation
// and a solution.
import { LineCounter, parseDocument, isNode, type Document } from 'yaml';
import { z } from 'zod';
import { parseDuration } from '../mesh/duration.ts';

const localized = z.object({ en: z.string().min(1), zh: z.string().min(1) }).strict();
export type Localized = z.infer<typeof localized>;

/** A path inside the lab's virtual file system: relative, no `..`, no backslashes. */
const labPath = z
  .string()
  .min(1)
  .regex(/^(?!\/)(?!.*(^|\/)\.\.(\/|$))[^\\]+$/, 'a relative path inside the lab folder (no "..", no leading "/")');

export const fileKinds = ['yaml', 'json', 'log', 'text', 'stats', 'profile', 'trace', 'go'] as const;
export type FileKind = (typeof fileKinds)[number];

/** A file the reader sees: its text inline (`content`) or read from the lab folder (`src`). */
export const labFileSchema = z
  .object({
    path: labPath,
    kind: z.enum(fileKinds),
    editable: z.boolean().default(false),
    /** Runs in the simulator but is not shown: e.g. the apps' behaviour, which would give the answer away. */
    hidden: z.boolean().default(false),
    content: z.string().optional(),
    src: labPath.optional(),
  })
  .strict()
  .superRefine((f, ctx) => {
    if ((f.content === undefined) === (f.src === undefined)) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'give exactly one of `content` or `src`', path: [] });
    }
    if (f.hidden && f.editable) ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'a hidden file cannot be editable', path: ['hidden'] });
  });

const commandRun = z
  .object({
    kind: z.literal('command-run'),
    /** A regular expression tested against the whole command line as typed. */
    command: z.string().min(1).optional(),
    /** The first words of one pipeline stage, after quote removal (e.g. [kubectl, apply, -f]). */
    argv: z.array(z.string()).min(1).optional(),
    /** The program whose prompt the line was typed at (e.g. `dlv` after `dlv connect`); default: the shell. */
    prompt: z.string().min(1).optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.command === undefined && c.argv === undefined) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'give `command` (a regex) or `argv` (a prefix)', path: [] });
    }
    if (c.command !== undefined) {
      try {
        new RegExp(c.command);
      } catch (e) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: `not a valid regular expression: ${(e as Error).message}`, path: ['command'] });
      }
    }
  });

const finding = z
  .object({
    kind: z.literal('finding'),
    code: z.string().min(1),
    expect: z.enum(['present', 'absent']),
    /** Only findings reported for this file count (default: any file). */
    file: labPath.optional(),
  })
  .strict();

const request = z
  .object({
    kind: z.literal('request'),
    /** The workload the simulated request starts from, e.g. `deploy/sleep` or a pod name. */
    from: z.string().min(1),
    /** The command run there, e.g. `curl -s http://orders.shop/`. */
    command: z.string().min(1),
    /** Send the command, let this much simulated time pass (`20m`), send it again: the second answer is judged (idle connections). */
    idle: z.string().refine((d) => parseDuration(d) !== null, 'a duration such as 20m, 900s or 1h').optional(),
    /** Send the command as the app in `from` does when its container starts: before its sidecar is ready, unless the pod holds the app until the proxy starts (start-order bugs). */
    atStart: z.boolean().optional(),
    expect: z
      .object({
        status: z.number().int().min(100).max(599).optional(),
        bodyIncludes: z.string().optional(),
        /** A response flag (UT, URX, NC, …) the first proxy on the path, the caller's sidecar, must log. */
        flag: z.string().regex(/^[A-Z]{2,4}$/, 'one response flag, e.g. UT').optional(),
      })
      .strict()
      .refine((e) => e.status !== undefined || e.bodyIncludes !== undefined || e.flag !== undefined, 'give `status`, `bodyIncludes` or `flag`'),
  })
  .strict();

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);

const yamlPath = z
  .object({
    kind: z.literal('yaml-path'),
    file: labPath,
    /** Dotted path (`spec.template.metadata.labels.version`, `items.0.name`) or a list of keys; `*` matches any list item or key. */
    path: z.union([z.string().min(1), z.array(z.union([z.string(), z.number()])).min(1)]),
    equals: scalar,
    /** In a multi-document file, which document (0-based); default: any document. */
    document: z.number().int().min(0).optional(),
  })
  .strict();

const answer = z
  .object({
    kind: z.literal('answer'),
    question: localized,
    /** With choices the reader picks one (accept lists choice ids); without, they type an answer. */
    choices: z.array(z.object({ id: z.string().min(1), en: z.string().min(1), zh: z.string().min(1) }).strict()).min(2).optional(),
    /** Accepted answers: choice ids, or typed answers compared case-insensitively after trimming. */
    accept: z.array(z.string().min(1)).min(1),
  })
  .strict()
  .superRefine((a, ctx) => {
    if (!a.choices) return;
    const ids = new Set(a.choices.map((c) => c.id));
    a.accept.forEach((id, i) => {
      if (!ids.has(id)) ctx.addIssue({ code: z.ZodIssueCode.custom, message: `"${id}" is not one of the choices`, path: ['accept', i] });
    });
  });

export const checkSchema = z.discriminatedUnion('kind', [
  // discriminatedUnion needs plain objects; the refinements run in labSchema below.
  commandRun.innerType(),
  finding,
  request,
  yamlPath,
  answer.innerType(),
]);
export type Check = z.infer<typeof checkSchema>;
export type CheckKind = Check['kind'];

const taskSchema = z.object({ id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/), title: localized, check: checkSchema }).strict();
export type LabTask = z.infer<typeof taskSchema>;

/** A literal find-and-replace; `find` must occur in the file (the first occurrence is replaced). */
const replacement = z.object({ find: z.string().min(1), replace: z.string() }).strict();

const editSchema = z
  .object({ file: labPath, content: z.string().optional(), patch: z.array(replacement).min(1).optional() })
  .strict()
  .superRefine((e, ctx) => {
    if ((e.content === undefined) === (e.patch === undefined)) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'give exactly one of `content` or `patch`', path: [] });
    }
  });
export type LabEdit = z.infer<typeof editSchema>;

/**
 * What a pod answers that the simulator does not compute, from a lab file: a debug
 * endpoint (`port` + `path`, e.g. istiod 15014 /metrics, Envoy 15000 /memory) or,
 * with `logs: true`, its log. See src/mesh/debug-endpoints.ts for the commands that reach them.
 */
const servedSchema = z
  .object({
    pod: z.string().regex(/^[a-z0-9-]+\/[a-z0-9.-]+$/, 'namespace/name of a pod or its Deployment'),
    port: z.number().int().min(1).max(65535).optional(),
    path: z.string().regex(/^\/\S*$/, 'a path starting with "/"').optional(),
    logs: z.literal(true).optional(),
    file: labPath,
  })
  .strict()
  .superRefine((e, ctx) => {
    const endpoint = e.port !== undefined && e.path !== undefined;
    if (endpoint === !!e.logs || (!endpoint && (e.port !== undefined || e.path !== undefined))) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'give `port` and `path` (an endpoint) or `logs: true`', path: [] });
    }
  });

/** A lab whose pod runs a Go program under Delve (src/debugger/): `dlv connect`, breakpoints, requests that stop. */
const debuggerSchema = z
  .object({
    /** The simulated program (src/debugger/commands.ts `programs`), e.g. `ledger`. */
    program: z.string().min(1),
    /** namespace/name of the workload whose pods run it under `dlv exec --headless`. */
    workload: z.string().regex(/^[a-z0-9-]+\/[a-z0-9.-]+$/, 'namespace/name'),
    /** The lab file with the program's source. */
    source: labPath,
  })
  .strict();

const cardFields = {
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lowercase letters, digits and dashes'),
  chapter: z.string().min(1),
  title: localized,
  summary: localized,
  difficulty: z.enum(['beginner', 'intermediate', 'advanced']),
  minutes: z.number().int().positive(),
};

const plannedLab = z.object({ ...cardFields, status: z.literal('planned').default('planned') }).passthrough();

const readyLab = z
  .object({
    ...cardFields,
    status: z.literal('ready'),
    files: z.array(labFileSchema).min(1),
    /** Files the simulator loads (Kubernetes/Istio resources, …); carried as is for the simulator. */
    scenario: z.array(labPath).default([]),
    /** The pod (namespace/name) a bare `curl` in the terminal runs from. */
    client: z.string().regex(/^[a-z0-9-]+\/[a-z0-9.-]+$/, 'namespace/pod').optional(),
    /** Debug endpoints and logs answered from lab files (needs a scenario: the pods they belong to). */
    serve: z.array(servedSchema).default([]),
    /** A Go program under Delve in one of the scenario's pods (needs a scenario). */
    debugger: debuggerSchema.optional(),
    /** Terminals side by side in tabs, on one shell (e.g. `dlv` waits in one while `curl` runs in another). */
    terminals: z.number().int().min(1).max(3).default(1),
    tasks: z.array(taskSchema).min(1),
    hints: z.array(localized).default([]),
    explanation: localized,
    solution: z.object({ edits: z.array(editSchema).default([]), commands: z.array(z.string().min(1)).default([]) }).strict(),
  })
  .strict()
  .superRefine((lab, ctx) => {
    const paths = new Set<string>();
    lab.files.forEach((f, i) => {
      if (paths.has(f.path)) ctx.addIssue({ code: z.ZodIssueCode.custom, message: `"${f.path}" is listed twice`, path: ['files', i, 'path'] });
      paths.add(f.path);
    });
    if (lab.files.every((f) => f.hidden)) ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'every file is hidden: the learner needs at least one to look at', path: ['files'] });
    const ids = new Set<string>();
    lab.tasks.forEach((t, i) => {
      if (ids.has(t.id)) ctx.addIssue({ code: z.ZodIssueCode.custom, message: `task id "${t.id}" is used twice`, path: ['tasks', i, 'id'] });
      ids.add(t.id);
      // The refinements the discriminated union could not carry.
      const checked = t.check.kind === 'command-run' ? commandRun.safeParse(t.check) : t.check.kind === 'answer' ? answer.safeParse(t.check) : null;
      if (checked && !checked.success) {
        for (const issue of checked.error.issues) ctx.addIssue({ ...issue, path: ['tasks', i, 'check', ...issue.path] });
      }
      if (t.check.kind === 'request' && lab.scenario.length === 0) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'a request check needs a `scenario`: the simulated mesh that answers it', path: ['tasks', i, 'check', 'kind'] });
      }
      if (t.check.kind === 'yaml-path' && !paths.has(t.check.file)) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: `"${t.check.file}" is not one of the lab's files`, path: ['tasks', i, 'check', 'file'] });
      }
    });
    lab.serve.forEach((e, i) => {
      if (!paths.has(e.file)) ctx.addIssue({ code: z.ZodIssueCode.custom, message: `"${e.file}" is not one of the lab's files`, path: ['serve', i, 'file'] });
      if (lab.scenario.length === 0) ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'served files need a `scenario` with the pods that serve them', path: ['serve', i, 'pod'] });
    });
    if (lab.debugger && !paths.has(lab.debugger.source)) ctx.addIssue({ code: z.ZodIssueCode.custom, message: `"${lab.debugger.source}" is not one of the lab's files`, path: ['debugger', 'source'] });
    if (lab.debugger && lab.scenario.length === 0) ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'a debugger needs a `scenario` with the pod that runs it', path: ['debugger'] });
    lab.solution.edits.forEach((e, i) => {
      const target = lab.files.find((f) => f.path === e.file);
      if (!target) ctx.addIssue({ code: z.ZodIssueCode.custom, message: `"${e.file}" is not one of the lab's files`, path: ['solution', 'edits', i, 'file'] });
      else if (!target.editable) ctx.addIssue({ code: z.ZodIssueCode.custom, message: `"${e.file}" is not editable`, path: ['solution', 'edits', i, 'file'] });
    });
  });

/** Picks the schema by `status`, so a planned lab is never asked for the fields of a ready one. */
export const labSchema = z.union([readyLab, plannedLab]);
const byStatus = (data: unknown) => ((data as { status?: unknown } | null)?.status === 'ready' ? readyLab : plannedLab);

export type ReadyLab = z.infer<typeof readyLab>;
export type PlannedLab = z.infer<typeof plannedLab>;
export type LabDefinition = ReadyLab | PlannedLab;
export type LabFile = ReadyLab['files'][number];

export function isReady(lab: LabDefinition): lab is ReadyLab {
  return lab.status === 'ready';
}

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
  const data: unknown = doc.toJS();
  const parsed = byStatus(data).safeParse(data);
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

/** Line and column of a path in a lab.yaml text (for problems found after parsing, e.g. a missing `src`). */
export function locateInLab(text: string, path: (string | number)[]): { line: number; column: number } {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  return positionOf(doc, lines, path);
}

export function formatProblems(problems: LabProblem[]): string {
  return problems.map((p) => `${p.file}:${p.line}:${p.column}: ${p.message}`).join('\n');
}
