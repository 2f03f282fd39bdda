// Every opslab subcommand, in the order `opslab --help` lists them.
import type { RegisterCommand } from '../io.ts';
import { registerAnalyze } from './analyze.ts';
import { registerLogs } from './logs.ts';
import { registerProxyConfig } from './proxy-config.ts';
import { registerSimulate } from './simulate.ts';
import { registerLab } from './lab.ts';

export const commands: RegisterCommand[] = [registerAnalyze, registerLogs, registerProxyConfig, registerSimulate, registerLab];
