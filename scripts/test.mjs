// `npm test`: type checks, unit tests, `opslab lab check`, the production builds (root and a base
// path), then end-to-end tests in a real browser. Stops at the first failure.
import { spawnSync } from 'node:child_process';

const env = { ...process.env, ASTRO_TELEMETRY_DISABLED: '1' };
const steps = [
  ['type checks', 'npm', ['run', '--silent', 'typecheck']],
  ['unit tests', 'npx', ['vitest', 'run']],
  ['lab check', 'node', ['bin/opslab.mjs', 'lab', 'check']],
  ['build (base /)', 'npx', ['astro', 'build'], {}],
  ['build (base /docs/)', 'npx', ['astro', 'build'], { BASE_PATH: '/docs/', OUT_DIR: './dist-base' }],
  ['end-to-end tests', 'node', ['scripts/e2e.mjs']],
];

for (const [name, cmd, args, extraEnv = {}] of steps) {
  const started = Date.now();
  console.log(`\n▶ ${name}: ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...env, ...extraEnv } });
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  if (r.status !== 0) {
    console.error(`\n✖ ${name} failed after ${secs}s`);
    process.exit(r.status ?? 1);
  }
  console.log(`✔ ${name} (${secs}s)`);
}
console.log('\nAll checks passed.');
