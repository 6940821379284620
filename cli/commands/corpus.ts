import type { Command } from 'commander';
import { printJson } from '../output.js';
import { progressBar, withProgressBar } from '../progress.js';

/**
 * `signbench corpus …`: synthesise the procedural corpus to disk, describe a corpus directory, preview samples.
 */

function intOption(value: string | undefined, flag: string, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new Error(`${flag} must be an integer ≥ ${min}, got "${value}"`);
  if (n > max) throw new Error(`${flag} must be at most ${max}, got ${value}`);
  return n;
}

/** Most sentences of a synthesised corpus (its entries are held in memory). */
const MAX_SENTENCES = 1_000_000;

interface SynthCli { out: string; sentences?: string; seed?: string; force?: boolean; progress?: boolean; json?: boolean }
interface InfoCli { json?: boolean }
interface BuildCli {
  src: string; out: string; force?: boolean; progress?: boolean; json?: boolean; variant?: string; language?: string;
  maxWords?: string; signLanguages?: string; keepFolderSplit?: boolean; glossTiming?: string; minFrames?: string; uncaptioned?: string;
}
interface PreviewCli { out: string; n?: string; frames?: string; split?: string; style?: string }

async function synth(opts: SynthCli): Promise<void> {
  const { proceduralCorpus } = await import('../../corpus/procedural/index.js');
  const { writeCorpus } = await import('../../corpus/format.js');
  const sentences = intOption(opts.sentences, '--sentences', 1, MAX_SENTENCES);
  const seed = intOption(opts.seed, '--seed', 0);
  const corpus = proceduralCorpus({ ...(sentences !== undefined ? { sentences } : {}), ...(seed !== undefined ? { seed } : {}) });
  const total = corpus.entries.length;
  const t0 = performance.now();
  await withProgressBar('synth [{bar}] {value}/{total} sentences | {eta_formatted} left', { enabled: opts.progress !== false && !opts.json }, (bar) =>
    writeCorpus(opts.out, corpus.stream(), { version: corpus.version, overwrite: !!opts.force, onProgress: (n) => bar.update(n, total) }));
  const seconds = (performance.now() - t0) / 1000;
  const frames = corpus.entries.reduce((s, e) => s + e.frames, 0);
  const result = { out: opts.out, version: corpus.version, sentences: total, frames, seconds: Math.round(seconds * 10) / 10 };
  if (opts.json) printJson(result);
  else process.stdout.write(`wrote ${total} sentences (${frames} frames) to ${opts.out} as ${corpus.version} in ${result.seconds} s\n`);
}

async function info(dir: string, opts: InfoCli): Promise<void> {
  const { openCorpus } = await import('../../corpus/format.js');
  const corpus = await openCorpus(dir);
  const i = corpus.info();
  if (opts.json) { printJson(i); return; }
  const lines = [
    `corpus      ${i.dir} (${i.format})`,
    `version     ${i.version}`,
    `entries     ${i.entries}  (train ${i.splits.train}, dev ${i.splits.dev}, test ${i.splits.test})`,
    `signers     ${i.signers}  (test: ${i.signersBySplit.test.join(', ') || '-'})`,
    `languages   ${i.languages.join(', ') || '-'} → ${i.signLanguages.join(', ') || '-'}`,
    `vocabulary  ${i.vocabulary} glosses`,
    `frames      ${i.frames} (${i.hours.toFixed(2)} h)`,
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

async function preview(dir: string, opts: PreviewCli): Promise<void> {
  const { openCorpus } = await import('../../corpus/format.js');
  const { ensureDir, writeFileAtomic } = await import('../../pose/fsio.js');
  const { join } = await import('node:path');
  const n = intOption(opts.n, '--n', 1, 10_000) ?? 4;
  const perSample = intOption(opts.frames, '--frames', 1, 1_000) ?? 8;
  let render: typeof import('../../render/frame.js');
  try {
    render = await import('../../render/frame.js');
  } catch (err) {
    throw new Error(`corpus preview needs the renderer (render/frame.ts): ${(err as Error).message}`);
  }
  const style = render.assertRenderStyle(opts.style ?? 'controlnet');
  const sharp = (await import('sharp')).default;
  const corpus = await openCorpus(dir);
  const split = opts.split as 'train' | 'dev' | 'test' | undefined;
  if (split && !['train', 'dev', 'test'].includes(split)) throw new Error(`--split must be train, dev or test, got "${split}"`);
  const entries = corpus.entries(split);
  // evenly spaced samples, so that several signers show up
  const picks = Array.from({ length: Math.min(n, entries.length) }, (_, k) => entries[Math.floor((k * entries.length) / Math.min(n, entries.length))]);
  await ensureDir(opts.out);
  const W = 480;
  const H = 270;
  const cols = 4;
  const renderer = render.frameRenderer(style, W, H);
  for (const entry of picks) {
    const seq = await corpus.read(entry);
    const count = Math.min(perSample, seq.frames);
    const rows = Math.ceil(count / cols);
    const tiles = [];
    for (let k = 0; k < count; k++) {
      const t = count > 1 ? Math.round((k * (seq.frames - 1)) / (count - 1)) : 0;
      const rgb = Buffer.from(renderer(seq, t).slice());
      tiles.push({ input: rgb, raw: { width: W, height: H, channels: 3 as const }, left: (k % cols) * W, top: Math.floor(k / cols) * H });
    }
    const file = join(opts.out, `${entry.id}.png`);
    const png = await sharp({ create: { width: W * Math.min(cols, count), height: H * rows, channels: 3, background: { r: 0, g: 0, b: 0 } } })
      .composite(tiles).png().toBuffer();
    await writeFileAtomic(file, png);
    process.stdout.write(`${file}  ${entry.signer}  "${entry.text}"  ${entry.glosses.map((g) => g.gloss).join(' ')}\n`);
  }
}

async function build(kind: string, opts: BuildCli): Promise<void> {
  const builders = await import('../../corpus/builders/index.js');
  const kinds: readonly string[] = builders.BUILD_KINDS;
  if (!kinds.includes(kind)) throw new Error(`unknown corpus kind "${kind}"; known: ${kinds.join(', ')}`);
  const bar = await progressBar(`build ${kind} [{bar}] {value}/{total}`, { enabled: opts.progress !== false && !opts.json });
  const onProgress = (done: number, total?: number) => bar.update(done, total);
  let result: { written: number; version: string };
  try {
    result = await builders.buildCorpus(kind as (typeof builders.BUILD_KINDS)[number], {
      src: opts.src, out: opts.out, overwrite: !!opts.force, onProgress,
      ...(opts.variant ? { variant: opts.variant } : {}), ...(opts.language ? { language: opts.language } : {}),
      ...(opts.maxWords !== undefined ? { maxWordsPerLanguage: intOption(opts.maxWords, '--max-words', 1) } : {}),
      ...(opts.signLanguages ? { signLanguages: opts.signLanguages.split(',').map((x) => x.trim()).filter(Boolean) } : {}),
      ...(opts.keepFolderSplit ? { keepFolderSplit: true } : {}),
      ...(opts.glossTiming ? { glossTiming: opts.glossTiming } : {}),
      ...(opts.minFrames !== undefined ? { minFrames: intOption(opts.minFrames, '--min-frames', 1) } : {}),
      ...(opts.uncaptioned ? { uncaptioned: opts.uncaptioned } : {}),
    } as Parameters<typeof builders.buildCorpus>[1]);
  } finally {
    bar.stop();
  }
  if (opts.json) printJson({ kind, out: opts.out, ...result });
  else process.stdout.write(`wrote ${result.written} entries to ${opts.out} as ${result.version}\n`);
}

export function register(program: Command): void {
  const corpus = program.command('corpus').description('Procedural corpus synthesis and corpus directories (manifest.jsonl + poses/*.pose)');
  corpus.command('synth')
    .description('Generate the procedural signing corpus (deterministic from --seed) and write it as a corpus directory')
    .requiredOption('--out <dir>', 'output directory')
    .option('--sentences <n>', 'number of sentences (default 5000)')
    .option('--seed <s>', 'seed (default 1)')
    .option('--force', 'replace an existing corpus in --out')
    .option('--no-progress', 'no progress bar')
    .option('--json', 'print the result as JSON')
    .action(async (opts: SynthCli) => synth(opts));
  corpus.command('build')
    .description('Build a corpus directory from real data: fingerspelling | dgs | pt-skels | signverse (corpus/builders)')
    .argument('<kind>', 'fingerspelling | dgs | pt-skels | signverse')
    .requiredOption('--src <path>', 'source folder (e.g. ../shared/corpus/fingerspelling-lexicon)')
    .requiredOption('--out <dir>', 'output corpus directory')
    .option('--variant <v>', 'dgs: original | updated')
    .option('--language <l>', 'dgs: en | de')
    .option('--keep-folder-split', 'dgs: keep the train/test folders as splits (default: every entry is test, eval-only)')
    .option('--max-words <n>', 'fingerspelling: at most n words per sign language')
    .option('--sign-languages <codes>', 'fingerspelling: only these sign languages (comma separated, e.g. ase,gsg)')
    .option('--gloss-timing <t>', 'pt-skels: even | none')
    .option('--min-frames <n>', 'signverse: drop caption cues shorter than n frames (default 8)')
    .option('--uncaptioned <u>', 'signverse: whole | skip videos without captions')
    .option('--force', 'replace an existing corpus in --out')
    .option('--no-progress', 'no progress bar')
    .option('--json', 'print the result as JSON')
    .action(async (kind: string, opts: BuildCli) => build(kind, opts));
  corpus.command('info')
    .description('Describe a corpus directory (or a directory of SignVerse shards): splits, signers, vocabulary, frames')
    .argument('<dir>', 'corpus directory')
    .option('--json', 'print as JSON')
    .action(async (dir: string, opts: InfoCli) => info(dir, opts));
  corpus.command('preview')
    .description('Render a few samples of a corpus as contact-sheet PNGs')
    .argument('<dir>', 'corpus directory')
    .requiredOption('--out <dir>', 'output directory for the PNGs')
    .option('--n <n>', 'number of samples (default 4)')
    .option('--frames <n>', 'frames per sample (default 8)')
    .option('--split <split>', 'only this split')
    .option('--style <style>', 'controlnet | signverse-thin | signverse-bold (default controlnet)')
    .action(async (dir: string, opts: PreviewCli) => preview(dir, opts));
}
