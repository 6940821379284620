import type { Command } from 'commander';
import { printJson } from '../output.js';
import { positiveInt } from '../options.js';

export function register(program: Command): void {
  program
    .command('demo')
    .description('end-to-end demo on the procedural corpus: generate test sentences, back-translate, score, and render side-by-side animations')
    .option('--out <dir>', 'output directory', 'out/demo')
    .option('--samples <n>', 'test sentences to run', '6')
    .option('--format <fmt>', 'animation format: gif | webp | mp4', 'gif')
    .option('--generator <dir>', 'generator model directory (default models/generator)')
    .option('--translator <dir>', 'translator model directory (default models/translator)')
    .option('--json', 'print the report as one JSON line')
    .action(async (o: { out: string; samples: string; format: string; generator?: string; translator?: string; json?: boolean }) => {
      const { runDemo } = await import('../../benchmark/demo.js');
      if (!['gif', 'webp', 'mp4'].includes(o.format)) throw new Error(`--format must be gif, webp or mp4, got '${o.format}'`);
      const r = await runDemo({
        out: o.out, samples: positiveInt(o.samples, '--samples', 1000) as number, format: o.format as 'gif' | 'webp' | 'mp4',
        generatorDir: o.generator, translatorDir: o.translator,
        onLog: o.json ? undefined : (line) => process.stderr.write(`  ${line}\n`),
      });
      if (o.json) { printJson(r); return; }
      const w = process.stdout.write.bind(process.stdout);
      w(`\nsignbench demo — procedural corpus ${r.corpus}, ${r.samples.length} held-out-signer test sentences\n\n`);
      for (const s of r.samples) {
        w(`${s.id}  (${s.signer})\n  sentence       ${s.text}\n  glosses        ${s.gloss}\n`);
        w(`  ground truth → ${s.referenceBack}\n  generated    → ${s.generatedBack}   (DTW-MJE ${s.dtwMje.toFixed(4)})\n  animation      ${s.animation}\n\n`);
      }
      const f = (x: number) => x.toFixed(2).padStart(6);
      w(`back-translation   BLEU ${'chrF'.padStart(6)}\n`);
      w(`  ground truth   ${f(r.scores.reference.bleu)} ${f(r.scores.reference.chrf)}\n`);
      w(`  generated      ${f(r.scores.generated.bleu)} ${f(r.scores.generated.chrf)}   mean DTW-MJE ${r.scores.dtwMje.toFixed(4)}\n`);
      w(`\nreport: ${r.report}\n`);
    });
}
