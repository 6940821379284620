import type { Command } from 'commander';
import { MAX_FPS, MIN_FPS } from '../pose/sequence.js';

/**
 * A positive integer option value (at most `max` when given), or undefined when the option was not given; errors
 * name the flag and the bound. Size options (beam, counts, pixels) always pass a `max`: an unbounded one lets a typo
 * take all memory.
 */
export function positiveInt(value: string | undefined, flag: string, max?: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n <= 0) throw new Error(`${flag} must be a positive integer, got "${value}"`);
  if (max !== undefined && n > max) throw new Error(`${flag} must be at most ${max}, got ${value}`);
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

/** A non-negative integer seed; errors name the flag. */
export function seedOption(value: string, flag = '--seed'): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < 0) throw new Error(`${flag} must be a non-negative integer, got "${value}"`);
  return n;
}

/** Upper bounds of the training size options (a typo must not take all memory or run for years). */
export const TRAIN_LIMITS = { steps: 100_000_000, batch: 65_536, sentences: 1_000_000, timeBudget: 30 * 24 * 3600 } as const;

/** The parsed values of trainSubcommand's shared options. */
export interface TrainCliOptions {
  corpus: string;
  config: string;
  out: string;
  steps?: string;
  batch?: string;
  seed: string;
  sentences?: string;
  resume?: boolean;
  json?: boolean;
}

/**
 * `signbench train <name>` with the options every model's training shares (corpus, config, out, steps, batch, seed,
 * sentences, resume, json); the caller adds its own options and the action.
 */
export function trainSubcommand(
  program: Command, name: string, o: { description: string; configs: string; config: string; out: string; seed: number },
): Command {
  return trainCommand(program)
    .command(name)
    .description(o.description)
    .option('--corpus <dir|procedural>', 'training corpus: "procedural" (streamed, not written out), a corpus directory or SignVerse shards; the train split is used', 'procedural')
    .option('--config <name>', `model config: ${o.configs}`, o.config)
    .requiredOption('--out <dir>', o.out)
    .option('--steps <n>', "training steps (default: the config's)")
    .option('--batch <n>', "batch size (default: the config's)")
    .option('--seed <n>', 'random seed', String(o.seed))
    .option('--sentences <n>', "procedural corpus size (default: the corpus's)")
    .option('--resume', 'continue from the checkpoint')
    .option('--json', 'print one JSON line at the end');
}

/** A frame-rate option value within [MIN_FPS, max] (undefined when not given); errors name the flag and the range. */
export function fpsOption(value: string | undefined, flag: string, max = MAX_FPS): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < MIN_FPS || n > max) throw new Error(`${flag} must be a number from ${MIN_FPS} to ${max}, got "${value}"`);
  return n;
}

/** Help text of `--signverse-hands` (inspect, convert, render). */
export const SIGNVERSE_HANDS_HELP = 'SignVerse frames with ≥2 people: hand labelling auto (decided per clip from the data) | stored | repair';

/** The `--signverse-hands` value, or undefined when not given; errors name the flag. */
export function signverseHandsOption(v: string | undefined): 'auto' | 'stored' | 'repair' | undefined {
  if (v === undefined) return undefined;
  if (v !== 'auto' && v !== 'stored' && v !== 'repair') throw new Error(`--signverse-hands must be auto, stored or repair, got '${v}'`);
  return v;
}
