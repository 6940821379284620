import type { Command } from 'commander';

/** A positive integer option value, or undefined when the option was not given; errors name the flag. */
export function positiveInt(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${flag} must be a positive integer, got "${value}"`);
  return n;
}

/** A finite number ≥ 0 option value, or undefined when the option was not given; errors name the flag. */
export function nonNegativeNumber(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) throw new Error(`${flag} must be a number ≥ 0, got "${value}"`);
  return n;
}

/** The shared `train` command group that each model adds its subcommand to (found or created). */
export function trainCommand(program: Command): Command {
  return program.commands.find((c) => c.name() === 'train') ?? program.command('train').description('Train a model');
}
