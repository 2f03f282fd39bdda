// Entry point of `opslab`. Each subcommand lives in its own file under
// commands/ and is listed in commands/index.ts.
import { Command, CommanderError } from 'commander';
import { commands } from './commands/index.ts';
import { UsageError } from './io.ts';

export async function main(argv: string[]): Promise<number> {
  const program = new Command('opslab')
    .description('Offline analyzer and lab tools for Istio / Envoy troubleshooting')
    .showHelpAfterError()
    .exitOverride();
  let exitCode = 0;
  for (const register of commands) register(program, (code) => (exitCode = Math.max(exitCode, code)));
  try {
    await program.parseAsync(argv);
    return exitCode;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    if (err instanceof UsageError) {
      process.stderr.write(`opslab: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
}
