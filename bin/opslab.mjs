#!/usr/bin/env node
// The opslab command: runs the TypeScript CLI through tsx, so the same sources
// serve the site, the browser worker and the command line without a build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv);
