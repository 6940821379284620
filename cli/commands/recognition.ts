import type { Command } from 'commander';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { printJson } from '../output.js';
import { positiveInt, seedOption } from '../options.js';

/** `signbench recognition build|predict|score`: the isolated-sign recognition track (benchmark/recognition). */
export function register(program: Command): void {
  const group = program.command('recognition').description('The isolated sign recognition track: build the suite, predict with a recogniser, score predictions');

  group.command('build')
    .description('Write the built-in suite (procedural signs of the held-out signers): suite.json, clips/<id>.pose, labels.json (keep it hidden)')
    .requiredOption('--out <dir>', 'suite directory')
    .option('--per-sign <n>', 'clips per gloss', '2')
    .option('--seed <n>', 'seed of the clips and of the id order', '2026')
    .option('--json', 'print one JSON line')
    .action(async (opts: { out: string; perSign: string; seed: string; json?: boolean }) => {
      const { buildProceduralRecognitionSuite, writeRecognitionSuite } = await import('../../benchmark/recognition/index.js');
      const suite = buildProceduralRecognitionSuite({ perSign: positiveInt(opts.perSign, '--per-sign'), seed: seedOption(opts.seed) });
      const paths = await writeRecognitionSuite(suite, opts.out);
      if (opts.json) printJson({ items: suite.items.length, glosses: suite.glosses.length, ...paths });
      else process.stdout.write(`recognition suite: ${suite.items.length} clips of ${suite.glosses.length} glosses → ${opts.out} (labels: ${paths.labels})\n`);
    });

  group.command('predict')
    .description('Predict the top-5 glosses of every clip of a suite with a recogniser model; writes {id: [gloss, …]}')
    .requiredOption('--suite <dir>', 'suite directory (clips/ inside)')
    .requiredOption('--out <file>', 'predictions JSON to write')
    .option('--model <dir>', 'recogniser model directory (default: models/recognizer)')
    .action(async (opts: { suite: string; out: string; model?: string }) => {
      const { readFirstPose } = await import('../../pose/io.js');
      const { Recognizer, defaultModelDir } = await import('../../recognizer/runtime.js');
      const dir = join(opts.suite, 'clips');
      const files = readdirSync(dir).filter((f) => f.endsWith('.pose')).sort();
      const rec = await Recognizer.load(opts.model ?? defaultModelDir());
      try {
        const seqs = await Promise.all(files.map((f) => readFirstPose(join(dir, f))));
        const res = await rec.recognizeMany(seqs.map((seq) => ({ seq })));
        const out = Object.fromEntries(files.map((f, i) => [f.replace(/\.pose$/, ''), res[i].top5.map((t) => t.gloss)]));
        writeFileSync(opts.out, JSON.stringify(out) + '\n');
        process.stdout.write(`predicted ${files.length} clips → ${opts.out}\n`);
      } finally {
        await rec.release();
      }
    });

  group.command('score')
    .description('Score predictions {id: [gloss, …top-5]} against the hidden labels: top-1/top-5 overall and per class')
    .requiredOption('--labels <file>', 'labels.json of the suite')
    .requiredOption('--predictions <file>', 'predictions JSON')
    .option('--json', 'print one JSON line (with per-class scores)')
    .action(async (opts: { labels: string; predictions: string; json?: boolean }) => {
      const { readJsonFile, readLabels, scoreRecognition } = await import('../../benchmark/recognition/index.js');
      const s = scoreRecognition(readLabels(opts.labels), readJsonFile(opts.predictions, 'predictions'));
      if (opts.json) printJson(s);
      else process.stdout.write(`${s.n} clips: top-1 ${s.top1.toFixed(2)}%  top-5 ${s.top5.toFixed(2)}%  (${s.missing} without a prediction)\n`);
    });
}
