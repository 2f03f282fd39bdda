// Lab-side commands registered on the shell until the mesh simulator (src/mesh/)
// lands and registers the real kubectl, istioctl and curl. Only `kubectl apply
// -f` is stubbed: it reads the file like kubectl would and reports each object,
// which is all the demo lab needs. Everything else says what is missing.
import { parseAllDocuments } from 'yaml';
import { fail, ok, type CommandSpec } from '../shell/index.ts';

const pending = (name: string): CommandSpec => ({
  name,
  summary: { en: `${name} (arrives with the mesh simulator)`, zh: `${name}（随网格模拟器提供）` },
  run: (argv) => fail(`${argv.join(' ')}: not available yet — this build has no mesh simulator; try 'help'`, 1),
});

export const kubectlStub: CommandSpec = {
  name: 'kubectl',
  summary: { en: 'apply a lab file (kubectl apply -f FILE); more once the simulator lands', zh: '应用实验文件（kubectl apply -f FILE）；模拟器就绪后支持更多子命令' },
  usage: 'kubectl apply -f FILE',
  run(argv, stdin, ctx) {
    if (argv[1] !== 'apply') return fail(`kubectl ${argv[1] ?? ''}: not available yet — this build has no mesh simulator (only 'kubectl apply -f FILE' works)`, 1);
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

export const labCommands: CommandSpec[] = [kubectlStub, pending('istioctl'), pending('curl')];
