// Helpers the file-reading commands share: read operands or stdin, split lines.
import type { CommandContext } from '../types.ts';

export interface Input {
  /** The file name as typed, or '-' for standard input. */
  name: string;
  text: string;
}

/** Reads each operand (or stdin when there is none); problems come back as error lines. */
export function readInputs(cmd: string, operands: string[], stdin: string, ctx: CommandContext): { inputs: Input[]; errors: string[] } {
  if (operands.length === 0) return { inputs: [{ name: '-', text: stdin }], errors: [] };
  const inputs: Input[] = [];
  const errors: string[] = [];
  for (const name of operands) {
    if (name === '-') inputs.push({ name, text: stdin });
    else if (ctx.fs.isFile(name)) inputs.push({ name, text: ctx.fs.read(name) ?? '' });
    else if (ctx.fs.isDir(name)) errors.push(`${cmd}: ${name}: Is a directory`);
    else errors.push(`${cmd}: ${name}: No such file or directory`);
  }
  return { inputs, errors };
}

/** The lines of a text; a final newline does not start another line. */
export function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

export const joinLines = (lines: string[]): string => (lines.length === 0 ? '' : lines.join('\n') + '\n');

export const errorText = (errors: string[]): string => joinLines(errors);
