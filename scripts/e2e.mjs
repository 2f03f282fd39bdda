// Runs the Playwright tests against the built site (dist/ and dist-base/),
// after making sure there is a browser to run them in.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { findChromium, howToGetOne } from './browser.mjs';

if (!findChromium()) {
  let bundled = false;
  try {
    const { chromium } = await import('playwright-core');
    bundled = existsSync(chromium.executablePath());
  } catch {
    bundled = false;
  }
  if (!bundled) {
    console.error(howToGetOne);
    process.exit(1);
  }
}
for (const dir of ['dist', 'dist-base']) {
  if (!existsSync(dir)) {
    console.error(`${dir}/ is missing: run \`npm test\` (it builds both) or \`npm run build\` first.`);
    process.exit(1);
  }
}
const r = spawnSync('npx', ['playwright', 'test', ...process.argv.slice(2)], { stdio: 'inherit', env: { ...process.env, ASTRO_TELEMETRY_DISABLED: '1' } });
process.exit(r.status ?? 1);
