// Every opslab subcommand, in the order `opslab --help` lists them.
import type { RegisterCommand } from '../io.ts';
import { registerAnalyze } from './analyze.ts';

export const commands: RegisterCommand[] = [registerAnalyze];
