// The files a lab shows, as a tiny in-memory file system. Paths are relative to
// the lab's root ("/" in the terminal): `logs/gw.log` and `/logs/gw.log` name
// the same file. Pseudo files produce their text when read (e.g. files the
// simulator computes from its state).

export interface VfsEntry {
  name: string;
  dir: boolean;
}

export type PseudoFile = () => string;

export function normalizePath(path: string): string {
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return parts.join('/');
}

export class VirtualFS {
  private files = new Map<string, string>();
  private pseudo = new Map<string, PseudoFile>();

  constructor(files: Iterable<{ path: string; content: string }> = []) {
    for (const f of files) this.write(f.path, f.content);
  }

  write(path: string, content: string): void {
    this.files.set(normalizePath(path), content);
  }

  /** Registers a file whose text is computed on every read. */
  addPseudo(path: string, read: PseudoFile): void {
    this.pseudo.set(normalizePath(path), read);
  }

  read(path: string): string | undefined {
    const p = normalizePath(path);
    const gen = this.pseudo.get(p);
    return gen ? gen() : this.files.get(p);
  }

  isFile(path: string): boolean {
    const p = normalizePath(path);
    return this.files.has(p) || this.pseudo.has(p);
  }

  isDir(path: string): boolean {
    const p = normalizePath(path);
    if (p === '') return true;
    return this.paths().some((f) => f.startsWith(p + '/'));
  }

  /** Every file path, sorted. */
  paths(): string[] {
    return [...new Set([...this.files.keys(), ...this.pseudo.keys()])].sort();
  }

  /** The entries directly inside a directory, sorted, or undefined when it is not one. */
  list(dir = ''): VfsEntry[] | undefined {
    const p = normalizePath(dir);
    if (!this.isDir(p)) return undefined;
    const prefix = p === '' ? '' : p + '/';
    const seen = new Map<string, boolean>();
    for (const f of this.paths()) {
      if (!f.startsWith(prefix)) continue;
      const rest = f.slice(prefix.length);
      const slash = rest.indexOf('/');
      const name = slash < 0 ? rest : rest.slice(0, slash);
      seen.set(name, (seen.get(name) ?? false) || slash >= 0);
    }
    return [...seen].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([name, dir]) => ({ name, dir }));
  }

  /** Paths matching a shell glob (`*`, `?`, `[...]`), in the spelling the pattern used (relative or absolute). */
  glob(pattern: string): string[] {
    const absolute = pattern.startsWith('/');
    const re = globToRegExp(normalizePath(pattern));
    const candidates = new Set<string>();
    for (const f of this.paths()) {
      // Directories match too (e.g. `ls l*`).
      const parts = f.split('/');
      for (let i = 1; i <= parts.length; i++) candidates.add(parts.slice(0, i).join('/'));
    }
    return [...candidates].filter((c) => re.test(c)).sort().map((c) => (absolute ? '/' + c : c));
  }
}

function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 1);
      if (end < 0) re += '\\[';
      else {
        const body = glob.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\');
        re += `[${body}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}
