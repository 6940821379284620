import type { Command } from 'commander';
import { printJson } from '../output.js';
import { withProgressBar } from '../progress.js';

interface ScoreOptions {
  hyp: string;
  ref: string[];
  json?: boolean;
  baseline?: string;
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** `signbench score`: text metrics of a hypothesis file against one or more reference files, all protocols. */
export function register(program: Command): void {
  program
    .command('score')
    .description(
      'Score hypotheses against references: sacrebleu BLEU/chrF/chrF++ (all --ref), SLT BLEU-1..4 + ROUGE-L and ' +
        'SLRTP BLEU/chrF/ROUGE/WER (first --ref). One segment per line; a final newline does not add a segment.',
    )
    .requiredOption('--hyp <file>', 'hypothesis file, one segment per line')
    .requiredOption('--ref <file>', 'reference file (repeat for more references)', collect)
    .option('--baseline <file>', 'baseline hypotheses: paired bootstrap resampling (1000 samples, seed 12345) for BLEU, chrF, chrF++')
    .option('--json', 'print one JSON line')
    .action(async (opts: ScoreOptions) => {
      const { readSegments } = await import('../../benchmark/metrics/text/segments.js');
      const { checkCorpus } = await import('../../benchmark/metrics/text/corpus.js');
      const { scoreText } = await import('../../benchmark/protocols/text.js');
      const hyps = await readSegments(opts.hyp, '--hyp');
      const refs = await Promise.all(opts.ref.map((f) => readSegments(f, '--ref')));
      checkCorpus(hyps, refs, { hyp: `--hyp ${opts.hyp}`, refs: opts.ref.map((f) => `--ref ${f}`) });
      const scores = scoreText(hyps, refs);
      let paired: Awaited<ReturnType<typeof runPaired>> | undefined;
      if (opts.baseline) {
        const base = await readSegments(opts.baseline, '--baseline');
        checkCorpus(base, refs, { hyp: `--baseline ${opts.baseline}`, refs: opts.ref.map((f) => `--ref ${f}`) });
        paired = await runPaired(base, hyps, refs, !opts.json);
      }
      if (opts.json) {
        printJson(paired ? { ...scores, paired_bs: paired } : scores);
        return;
      }
      const { formatScoreTable, formatPairedTable } = await import('../../benchmark/protocols/text-report.js');
      process.stdout.write(formatScoreTable(scores));
      if (paired) process.stdout.write(formatPairedTable(paired));
    });
}

async function runPaired(base: string[], hyps: string[], refs: string[][], progress: boolean) {
  const { pairedBootstrap } = await import('../../benchmark/metrics/text/significance.js');
  const { BLEU } = await import('../../benchmark/metrics/text/bleu.js');
  const { CHRF } = await import('../../benchmark/metrics/text/chrf.js');
  const metrics = [new BLEU(), new CHRF(), new CHRF({ wordOrder: 2 })];
  return withProgressBar('bootstrap {bar} {value}/{total}', { enabled: progress }, (bar) =>
    pairedBootstrap(base, [{ name: 'system', hyps }], refs, metrics, { onMetric: (i) => bar.update(i + 1, metrics.length) }));
}
