import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { nonNegativeNumber, positiveInt, seedOption } from '../options.js';
import { printJson } from '../output.js';

/** `--data DIR`, else SIGNBENCH_DATA, else ./data (git-ignored): where suites, caches and uploads live. */
export function dataDirOption(opt?: string): string {
  return resolve(opt ?? process.env.SIGNBENCH_DATA ?? 'data');
}

interface Bar { update: (done: number, total: number, stage: string) => void; stop: () => void }

/** A progress bar on stderr when it is a terminal (stages: references, reading, generating, translating, …). */
export async function progressBar(enabled: boolean): Promise<Bar> {
  if (!enabled || !process.stderr.isTTY) return { update: () => {}, stop: () => {} };
  const { default: cliProgress } = await import('cli-progress');
  const bar = new cliProgress.SingleBar({ stream: process.stderr, format: '{stage} {bar} {value}/{total}', hideCursor: true }, cliProgress.Presets.shades_classic);
  let started = false;
  let stage = '';
  return {
    update: (done, total, s) => {
      if (!started) { bar.start(total, done, { stage: s }); started = true; stage = s; return; }
      if (s !== stage) { bar.setTotal(total); stage = s; }
      bar.update(done, { stage: s });
    },
    stop: () => { if (started) bar.stop(); },
  };
}

type Input = { kind: 'predictions'; path: string } | { kind: 'model'; dir: string };

function submissionInput(opts: { model?: string; predictions?: string }): Input {
  if (!!opts.model === !!opts.predictions) throw new Error('give exactly one of --model DIR and --predictions PATH');
  return opts.model ? { kind: 'model', dir: resolve(opts.model) } : { kind: 'predictions', path: resolve(opts.predictions!) };
}

/** Scores a submission with a progress bar; a rejection prints its per-item report (JSON with --json) and rethrows. */
async function runEval(suiteName: string, input: Input, o: { data?: string; json?: boolean }) {
  const { loadSuite } = await import('../../benchmark/suite/index.js');
  const { evaluateSubmission } = await import('../../benchmark/scoring/evaluate.js');
  const { isSignbenchError } = await import('../../pose/errors.js');
  const bar = await progressBar(true);
  const onProgress = (p: { done: number; total: number; stage: string }) => bar.update(p.done, p.total, p.stage);
  try {
    const suite = await loadSuite(suiteName, { dataDir: dataDirOption(o.data), onProgress });
    return await evaluateSubmission(suite, input, { onProgress });
  } catch (err) {
    bar.stop();
    if (isSignbenchError(err, 'rejected')) {
      const problems = (err.detail as { problems: { id?: string; problem: string }[] }).problems;
      if (o.json) printJson({ error: 'rejected', detail: { problems } });
      else for (const p of problems) process.stderr.write(`  ${p.id ? `${p.id}: ` : ''}${p.problem}\n`);
    }
    throw err;
  } finally {
    bar.stop();
  }
}

/** `signbench suite build|info|prompts`, `signbench eval`, `signbench ci`: the benchmark runner (benchmark/). */
export function register(program: Command): void {
  const suite = program.command('suite').description('Benchmark suites: build one from a corpus, show one, export its prompts');
  suite
    .command('build')
    .description('Build a suite from a corpus split (test items whose sentence is also a training sentence are left out)')
    .requiredOption('--corpus <dir|procedural>', 'a corpus directory, SignVerse shards, or "procedural"')
    .option('--split <split>', 'train, dev or test', 'test')
    .option('--judge <dir>', 'translator directory (the judge); without it the suite scores pose metrics only')
    .requiredOption('--out <dir>', 'suite directory to write')
    .option('--name <name>', 'suite name (default: the directory name)')
    .option('--sentences <n>', 'procedural corpus size (default 5000)')
    .option('--seed <n>', 'procedural corpus seed (default 1)')
    .option('--limit <n>', 'keep only the first N items')
    .option('--overwrite', 'replace an existing suite in --out')
    .option('--baselines', 'then compute the baseline rows (a fingerspelling suite fits its char model here) and print them as Markdown')
    .option('--data <dir>', 'data directory for --baselines (default: $SIGNBENCH_DATA or ./data)')
    .option('--json', 'print the suite info as one JSON line')
    .action(async (o: { corpus: string; split: string; judge?: string; out: string; name?: string; sentences?: string; seed?: string; limit?: string; overwrite?: boolean; baselines?: boolean; data?: string; json?: boolean }) => {
      const { buildSuite } = await import('../../benchmark/suite/index.js');
      const bar = await progressBar(true);
      try {
        const s = await buildSuite({
          corpus: o.corpus, split: o.split, judge: o.judge, out: resolve(o.out), name: o.name, overwrite: o.overwrite,
          sentences: positiveInt(o.sentences, '--sentences'), seed: o.seed === undefined ? undefined : seedOption(o.seed), limit: positiveInt(o.limit, '--limit'),
          onProgress: (p) => bar.update(p.done, p.total, p.stage),
        });
        bar.stop();
        if (o.json) printJson(s.info);
        else process.stdout.write(`suite ${s.info.name} ${s.info.version}: ${s.info.n} items, ${s.info.scoring}${s.info.note ? ` (${s.info.note})` : ''} → ${s.dir}\n`);
        if (o.baselines) {
          const { baselineResults } = await import('../../benchmark/baselines/index.js');
          const { leaderboardMarkdown, rankLeaderboard } = await import('../../benchmark/leaderboard/index.js');
          const bar2 = await progressBar(true);
          const rows = await baselineResults(s, { dataDir: dataDirOption(o.data), onProgress: (p) => bar2.update(p.done, p.total, `${p.baseline}: ${p.stage}`) }).finally(() => bar2.stop());
          if (!o.json) process.stdout.write('\n' + leaderboardMarkdown(rankLeaderboard(s.info.name, rows.map((r) => ({ name: r.name, kind: 'baseline' as const, result: r.result })))));
        }
      } finally {
        bar.stop();
      }
    });
  suite
    .command('info')
    .description('Show a suite (built-in name or directory): version, items, corpus, judge, protocols')
    .argument('<name>', 'synthetic-v1, synthetic-mini, or a suite directory')
    .option('--data <dir>', 'data directory (default: $SIGNBENCH_DATA or ./data)')
    .option('--json', 'print one JSON line')
    .action(async (name: string, o: { data?: string; json?: boolean }) => {
      const { loadSuite } = await import('../../benchmark/suite/index.js');
      const bar = await progressBar(true);
      const s = await loadSuite(name, { dataDir: dataDirOption(o.data), onProgress: (p) => bar.update(p.done, p.total, p.stage) }).finally(() => bar.stop());
      if (o.json) { printJson(s.info); return; }
      const i = s.info;
      process.stdout.write([
        `suite     ${i.name} (${i.version})`, `items     ${i.n} (${i.split} split)`,
        `corpus    ${i.corpus ? `${i.corpus.version}${i.corpus.seed !== null ? `, seed ${i.corpus.seed}, ${i.corpus.sentences} sentences` : ''}` : 'n/a'}`,
        `judge     ${i.judge ? `${i.judge.dir} (${i.judge.hash.slice(0, 16)}…)` : 'none: pose metrics only'}`,
        `protocols ${i.protocols.join(', ')}`, `scoring   ${i.scoring}${i.note ? ` (${i.note})` : ''}`, `fps       ${i.fps}, frame cap ${i.frameCap}`, `dir       ${s.dir}`,
      ].join('\n') + '\n');
    });
  suite
    .command('prompts')
    .description('Write the prompts submitters generate from: one {"id","text","glosses"?} per line')
    .argument('<name>', 'synthetic-v1, synthetic-mini, or a suite directory')
    .option('--data <dir>', 'data directory (default: $SIGNBENCH_DATA or ./data)')
    .option('--out <file>', 'output file (default: stdout)')
    .action(async (name: string, o: { data?: string; out?: string }) => {
      const { loadSuite, promptsJsonl } = await import('../../benchmark/suite/index.js');
      const s = await loadSuite(name, { dataDir: dataDirOption(o.data) });
      if (o.out) await writeFile(o.out, promptsJsonl(s));
      else process.stdout.write(promptsJsonl(s));
    });

  program
    .command('eval')
    .description('Validate and score a submission on a suite: back-translation (sacrebleu, slt, slrtp) and pose metrics with 95% intervals')
    .requiredOption('--suite <name|dir>', 'synthetic-v1, synthetic-mini, or a suite directory')
    .option('--model <dir>', 'an ONNX generator directory (generator/README.md), run in a child process')
    .option('--predictions <path>', 'a directory, .zip or .tar of <id>.<ext> pose files, or one SignVerse shard')
    .option('--data <dir>', 'data directory (default: $SIGNBENCH_DATA or ./data)')
    .option('--out <file>', 'also write the result JSON to a file')
    .option('--json', 'print the result as one JSON line (a rejection prints {"error","detail":{"problems"}})')
    .action(async (o: { suite: string; model?: string; predictions?: string; data?: string; out?: string; json?: boolean }) => {
      const result = await runEval(o.suite, submissionInput(o), o);
      if (o.out) await writeFile(o.out, JSON.stringify(result) + '\n');
      if (o.json) { printJson(result); return; }
      const { leaderboardMarkdown, rankLeaderboard } = await import('../../benchmark/leaderboard/index.js');
      process.stdout.write(leaderboardMarkdown(rankLeaderboard(result.suite, [{ name: o.model ?? o.predictions ?? 'submission', kind: 'submission', result }])));
    });

  program
    .command('ci')
    .description('Regression gate: exit 1 iff the primary metric drops by more than --max-drop AND the paired bootstrap calls the drop significant')
    .requiredOption('--suite <name|dir>', 'synthetic-v1, synthetic-mini, or a suite directory')
    .option('--model <dir>', 'an ONNX generator directory')
    .option('--predictions <path>', 'a directory, .zip or .tar of pose files, or one SignVerse shard')
    .requiredOption('--baseline <result.json>', 'a stored result of the same suite (signbench eval --out / --json)')
    .option('--max-drop <points>', 'largest allowed drop of the primary metric', '1.0')
    .option('--junit <file>', 'write JUnit XML')
    .option('--summary <file>', 'write a Markdown summary (e.g. $GITHUB_STEP_SUMMARY)')
    .option('--out <file>', 'write this run\'s result JSON (the next baseline)')
    .option('--data <dir>', 'data directory (default: $SIGNBENCH_DATA or ./data)')
    .option('--json', 'print the verdict as one JSON line')
    .action(async (o: { suite: string; model?: string; predictions?: string; baseline: string; maxDrop: string; junit?: string; summary?: string; out?: string; data?: string; json?: boolean }) => {
      const { readFile } = await import('node:fs/promises');
      const { ciVerdict, junitXml, markdownSummary } = await import('../../benchmark/ci/index.js');
      const maxDrop = nonNegativeNumber(o.maxDrop, '--max-drop')!;
      let baseline;
      try {
        baseline = JSON.parse(await readFile(o.baseline, 'utf8'));
      } catch (err) {
        throw new Error(`--baseline ${o.baseline}: ${(err as Error).message}`);
      }
      if (!baseline?.signature?.suite || !Array.isArray(baseline.items)) throw new Error(`--baseline ${o.baseline}: not a signbench eval result (no signature or items)`);
      const result = await runEval(o.suite, submissionInput(o), o);
      if (o.out) await writeFile(o.out, JSON.stringify(result) + '\n');
      const v = ciVerdict(result, baseline, { maxDrop });
      if (o.junit) await writeFile(o.junit, junitXml(v, result));
      if (o.summary) await writeFile(o.summary, markdownSummary(v, result, baseline), { flag: 'a' });
      if (o.json) printJson(v);
      else process.stdout.write(`${v.pass ? 'PASS' : 'FAIL'}: ${v.reason}\n`);
      if (!v.pass) throw new Error(`regression: ${v.reason}`);
    });
}
