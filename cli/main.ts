import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Command, CommanderError } from 'commander';
import { describeFailure, guardStandardStreams } from './errors.js';

/**
 * The `signbench` CLI. Every file in cli/commands/ exports `register(program)` and adds its own subcommands; the
 * commands call the same library functions the server uses. Heavy modules (models, renderer) are imported lazily
 * inside the actions so that `signbench inspect` starts fast.
 */
export async function buildProgram(): Promise<Command> {
  const program = new Command('signbench')
    .description('Text-to-pose sign language generation and its back-translation benchmark')
    .version('0.1.0')
    .showHelpAfterError()
    .configureOutput({ outputError: (s, write) => write(s) });
  const dir = join(dirname(fileURLToPath(import.meta.url)), 'commands');
  // .ts under tsx, .js in the compiled dist/ (npm run build)
  const files = readdirSync(dir).filter((f) => /\.[jt]s$/.test(f) && !f.endsWith('.d.ts')).sort();
  for (const f of files) {
    const mod = (await import(pathToFileURL(join(dir, f)).href)) as { register?: (p: Command) => void };
    if (typeof mod.register === 'function') mod.register(program);
  }
  return program;
}

export async function main(argv: string[] = process.argv): Promise<number> {
  const program = await buildProgram();
  program.exitOverride();
  try {
    await program.parseAsync(argv);
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    // Expected failures (bad input, missing files) print one clear line; SIGNBENCH_DEBUG shows the stack.
    const { message, exitCode } = describeFailure(err);
    process.stderr.write(`signbench: ${message}\n`);
    if (process.env.SIGNBENCH_DEBUG && err instanceof Error && err.stack) process.stderr.write(err.stack + '\n');
    return exitCode;
  }
}

/** Runs the CLI as a process: standard streams guarded (EPIPE, ENOSPC), exit code set. bin/signbench.js calls it. */
export async function run(argv: string[] = process.argv): Promise<void> {
  guardStandardStreams();
  process.exitCode = await main(argv);
}

// bin/signbench.js imports run(); this runs it for `tsx cli/main.ts` and `node dist/cli/main.js`.
const isEntry = process.argv[1] && /cli[\\/]main\.[jt]s$/.test(process.argv[1]);
if (isEntry) void run();
