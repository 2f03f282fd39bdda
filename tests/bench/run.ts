// `npm run bench`: runs every tests/bench/*.bench.ts in name order. Each bench
// generates its own input under tests/bench/.data/ and prints its figures.
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();
for (const f of files) {
  console.log(`\n== ${f} ==`);
  const mod = await import(pathToFileURL(join(here, f)).href);
  if (typeof mod.default === 'function') await mod.default();
}
