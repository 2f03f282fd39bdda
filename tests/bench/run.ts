// `npm run bench`: runs every tests/bench/*.bench.ts in name order, each in a
// process of its own (a fresh heap, as a user's command gets: one bench's
// leftovers must not slow the next). `npm run bench -- <name>` runs the
// matching benches. Each bench generates its own input under
// tests/bench/.data/ and prints its figures.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();
if (files.length === 1) {
  const f = files[0]!;
  console.log(`\n== ${f} ==`);
  const mod = await import(pathToFileURL(join(here, f)).href);
  if (typeof mod.default === 'function') await mod.default();
} else {
  for (const f of files) {
    const r = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), f], { stdio: 'inherit' });
    if (r.status !== 0) process.exitCode = r.status ?? 1;
  }
}
