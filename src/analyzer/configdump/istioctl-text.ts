// Reads the text tables `istioctl proxy-config` prints back into rows, so a lab
// or a user can hand us a table instead of a dump. tabwriter aligns every
// column, so each header word's offset is where that column starts.

export interface IstioctlTable {
  kind: 'clusters' | 'listeners' | 'routes' | 'endpoints' | 'secrets' | 'unknown';
  columns: string[];
  rows: Record<string, string>[];
}

const HEADERS: [IstioctlTable['kind'], string[]][] = [
  ['clusters', ['SERVICE FQDN', 'PORT', 'SUBSET', 'DIRECTION', 'TYPE', 'DESTINATION RULE']],
  ['listeners', ['ADDRESSES', 'PORT', 'MATCH', 'DESTINATION']],
  ['listeners', ['ADDRESS', 'PORT', 'MATCH', 'DESTINATION']],
  ['listeners', ['ADDRESSES', 'PORT', 'TYPE']],
  ['routes', ['NAME', 'VHOST NAME', 'DOMAINS', 'MATCH', 'VIRTUAL SERVICE']],
  ['routes', ['NAME', 'DOMAINS', 'MATCH', 'VIRTUAL SERVICE']],
  ['routes', ['NAME', 'VIRTUAL HOSTS']],
  ['endpoints', ['ENDPOINT', 'STATUS', 'OUTLIER CHECK', 'CLUSTER']],
  ['endpoints', ['NAME', 'STATUS', 'LOCALITY', 'CLUSTER']],
  ['secrets', ['RESOURCE NAME', 'TYPE', 'STATUS', 'VALID CERT', 'SERIAL NUMBER', 'NOT AFTER', 'NOT BEFORE']],
];

/** Parses one istioctl table (the first line is its header). */
export function readIstioctlTable(text: string): IstioctlTable {
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  const header = lines.find((l) => l.trim()) ?? '';
  let kind: IstioctlTable['kind'] = 'unknown';
  let columns: string[] = [];
  for (const [k, cols] of HEADERS) {
    let at = 0;
    const ok = cols.every((c) => {
      const i = header.indexOf(c, at);
      if (i < 0) return false;
      at = i + c.length;
      return true;
    });
    if (ok && cols.length > columns.length) {
      kind = k;
      columns = cols;
    }
  }
  if (kind === 'unknown') columns = header.trim().split(/\s{2,}/);
  // Column starts: a leading NAME column (proxy-config all) shifts the rest.
  const starts: number[] = [];
  let at = 0;
  for (const c of columns) {
    const i = header.indexOf(c, at);
    starts.push(i);
    at = i + c.length;
  }
  const rows: Record<string, string>[] = [];
  for (const line of lines.slice(lines.indexOf(header) + 1)) {
    if (!line.trim()) continue;
    const row: Record<string, string> = {};
    columns.forEach((c, i) => {
      const end = i + 1 < starts.length ? starts[i + 1] : undefined;
      row[c] = line.slice(starts[i], end).trim();
    });
    rows.push(row);
  }
  return { kind, columns, rows };
}
