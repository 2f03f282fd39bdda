import { defineConfig } from '@playwright/test';
import { findChromium } from './scripts/browser.mjs';

const executablePath: string | undefined = findChromium() ?? undefined;
// E2E_DIST (a build folder) and E2E_PORT let several people run the site tests at
// once from their own builds; then only that build is served, without the base-path one.
const ownBuild = process.env.E2E_DIST;
const SITE_PORT = Number(process.env.E2E_PORT ?? 4400);
const BASE_PORT = 4401;

export default defineConfig({
  testDir: 'tests/e2e',
  fullyParallel: true,
  workers: 2,
  // A test must fail twice to fail; one that passes on its retry is reported as
  // "flaky" in the summary, and that is a bug to chase, not to ignore.
  retries: 1,
  reporter: [['list']],
  // A lab test takes 15-25 s alone and up to 50 s on a loaded 2-core machine.
  timeout: 90_000,
  // Labs run a simulator in a worker; on a busy 2-core machine a step can take a few seconds.
  expect: { timeout: 10_000 },
  use: {
    browserName: 'chromium',
    launchOptions: {
      executablePath,
      // Flags for a closed network and a root user in CI (no sandbox, no background fetches).
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    },
  },
  projects: [
    { name: 'site', use: { baseURL: `http://localhost:${SITE_PORT}/` }, testIgnore: /base-path\.spec\.ts/ },
    { name: 'base-path', use: { baseURL: `http://localhost:${BASE_PORT}/docs/` }, testMatch: /base-path\.spec\.ts/ },
  ],
  webServer: [
    {
      command: `node node_modules/astro/astro.js preview --port ${SITE_PORT}`,
      url: `http://localhost:${SITE_PORT}/`,
      env: ownBuild ? { OUT_DIR: ownBuild } : {},
      reuseExistingServer: false,
      timeout: 60_000,
    },
    ...(ownBuild ? [] : [{
      command: `node node_modules/astro/astro.js preview --port ${BASE_PORT}`,
      url: `http://localhost:${BASE_PORT}/docs/`,
      env: { BASE_PATH: '/docs/', OUT_DIR: './dist-base' },
      reuseExistingServer: false,
      timeout: 60_000,
    }]),
  ],
});
