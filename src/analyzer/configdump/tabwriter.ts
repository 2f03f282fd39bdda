// Go's text/tabwriter as istioctl configures it: NewWriter(out, minwidth 0,
// tabwidth 8, padding P, padchar ' ', flags 0). A row is a list of cells; every
// cell but the last is tab-terminated, so it belongs to a column and is padded
// to the column's width (widest cell + padding, counted in runes). The last
// cell of a row is written as is, so a row whose last cell is empty ends in the
// previous cell's padding — exactly as istioctl's output does.

/** Code points (Go counts runes): UTF-16 length less one per surrogate pair, without iterating a string's characters. */
const runeCount = (s: string): number => {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) n--;
  }
  return n;
};

const SURROGATE = /[\uD800-\uDBFF]/;
/** Padding strings by length, made once: a table pads hundreds of thousands of cells. */
const PADS = Array.from({ length: 129 }, (_, n) => ' '.repeat(n));
const spaces = (n: number) => (n < PADS.length ? PADS[n]! : ' '.repeat(n));

/**
 * Rows that all have the same number of cells (every table istioctl prints)
 * form one block per column, so the recursion below comes down to one width
 * per column. Widths are counted in UTF-16 units; null when a surrogate pair
 * makes that differ from runes (then the general path counts runes).
 */
function uniformTable(rows: string[][], padding: number): string | null {
  const n = rows[0]!.length;
  for (const row of rows) if (row.length !== n) return null;
  const widths = new Array<number>(Math.max(0, n - 1)).fill(0);
  for (const row of rows) {
    for (let j = 0; j < n - 1; j++) {
      const w = row[j]!.length;
      if (w > widths[j]!) widths[j] = w;
    }
  }
  // Lines are joined a block at a time, so each line's pieces die young.
  const blocks: string[] = [];
  const lines: string[] = [];
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    let line = '';
    for (let j = 0; j < n - 1; j++) line += row[j]! + spaces(widths[j]! + padding - row[j]!.length);
    lines.push(n > 0 ? line + row[n - 1]! : line);
    if (lines.length === 512) blocks.push(lines.splice(0).join('\n'));
  }
  if (lines.length) blocks.push(lines.join('\n'));
  const out = blocks.join('\n') + '\n';
  return SURROGATE.test(out) ? null : out;
}

/** Formats rows like tabwriter (padding 1 for listeners, 5 for the other tables). */
export function tabwrite(rows: string[][], padding: number): string {
  return (rows.length > 0 ? uniformTable(rows, padding) : null) ?? columnBlocks(rows, padding);
}

/** tabwriter's general algorithm, for rows of any shape (exported to test the fast path against). */
export function columnBlocks(rows: string[][], padding: number): string {
  const widths: number[] = [];
  const out: string[] = [];
  const cellWidths = rows.map((r) => r.map(runeCount));

  const writeLines = (line0: number, line1: number) => {
    for (let i = line0; i < line1; i++) {
      const row = rows[i] as string[];
      let s = '';
      for (let j = 0; j < row.length; j++) {
        const text = row[j] as string;
        s += text;
        if (j < widths.length && j < row.length - 1) s += ' '.repeat(Math.max(0, (widths[j] as number) - (cellWidths[i]![j] as number)));
      }
      out.push(s);
    }
  };

  // Same recursion as tabwriter.format: a column block is a run of consecutive
  // rows that have a tab-terminated cell in this column.
  const format = (line0: number, line1: number) => {
    const column = widths.length;
    for (let t = line0; t < line1; t++) {
      if (column >= (rows[t] as string[]).length - 1) continue;
      writeLines(line0, t);
      line0 = t;
      let width = 0;
      for (; t < line1; t++) {
        const row = rows[t] as string[];
        if (column >= row.length - 1) break;
        const w = (cellWidths[t]![column] as number) + padding;
        if (w > width) width = w;
      }
      widths.push(width);
      format(line0, t);
      widths.pop();
      line0 = t; // the row that ended the block has no cell here; the loop's t++ skips it, as in Go
    }
    writeLines(line0, line1);
  };
  format(0, rows.length);
  return out.map((l) => l + '\n').join('');
}
