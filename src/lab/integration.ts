// kubectl, istioctl and curl for labs without a `scenario` (files to read and
// fix, no simulated cluster). `kubectl apply -f` still reads the file as kubectl
// would and reports each object; everything else says why it cannot answer.
import { parseAllDocuments } from 'yaml';
import { fail, ok, type CommandSpec } from '../shell/index.ts';

const pending = (name: string): CommandSpec => ({
  name,
  summary: { en: `${name} (needs a simulated cluster; this lab has none)`, zh: `${name}（需要模拟集群，本实验没有）` },
  run: (argv) => fail(`${argv.join(' ')}: this lab has no simulated cluster (no scenario in its lab.yaml); try 'help'`, 1),
});

export const kubectlFilesOnly: CommandSpec = {
  name: 'kubectl',
  summary: { en: 'apply a lab file (kubectl apply -f FILE); this lab has no simulated cluster', zh: '应用实验文件（kubectl apply -f FILE）；本实验没有模拟集群' },
  usage: 'kubectl apply -f FILE',
  run(argv, stdin, ctx) {
    if (argv[1] !== 'apply') return fail(`kubectl ${argv[1] ?? ''}: this lab has no simulated cluster (only 'kubectl apply -f FILE' works)`, 1);
    const fIndex = argv.findIndex((a) => a === '-f' || a === '--filename');
    const file = fIndex > 0 ? argv[fIndex + 1] : argv.find((a) => a.startsWith('--filename='))?.slice('--filename='.length);
    if (!file) return fail('error: must specify one of -f and -k', 1);
    const text = file === '-' ? stdin : ctx.fs.read(file);
    if (text === undefined) return fail(`error: the path "${file}" does not exist`, 1);
    const lines: string[] = [];
    for (const doc of parseAllDocuments(text) as ReturnType<typeof parseAllDocuments> & unknown[]) {
      if (doc.errors.length > 0) {
        const e = doc.errors[0]!;
        return fail(`error: error parsing ${file}: ${e.message.split('\n')[0]}`, 1);
      }
      const obj = doc.toJS() as { apiVersion?: unknown; kind?: unknown; metadata?: { name?: unknown } } | null;
      if (obj === null) continue;
      if (typeof obj.kind !== 'string' || typeof obj.apiVersion !== 'string') return fail(`error: error validating "${file}": apiVersion or kind not set`, 1);
      if (typeof obj.metadata?.name !== 'string') return fail(`error: error validating "${file}": metadata.name not set`, 1);
      // kubectl names objects kind.group/name; the core group has no suffix.
      const group = obj.apiVersion.includes('/') ? '.' + obj.apiVersion.split('/')[0] : '';
      lines.push(`${obj.kind.toLowerCase()}${group}/${obj.metadata.name} configured`);
    }
    return ok(lines.map((l) => l + '\n').join(''));
  },
};

export const labCommands: CommandSpec[] = [kubectlFilesOnly, pending('istioctl'), pending('curl')];
