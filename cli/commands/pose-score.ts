import type { Command } from 'commander';
import { printJson } from '../output.js';
import { progressBar } from '../progress.js';

interface PoseScoreOptions {
  hyp: string;
  ref: string;
  protocol: string;
  json?: boolean;
  halveHyp: string;
  space: string;
  radius: string;
  fastdtw: string;
}

const PROTOCOLS = ['slrtp', 'dtw'] as const;

function parseHalve(v: string): 'auto' | boolean {
  if (v === 'auto') return 'auto';
  if (v === 'yes' || v === 'true') return true;
  if (v === 'no' || v === 'false') return false;
  throw new Error(`--halve-hyp must be auto, yes or no, got '${v}'`);
}

/** `signbench pose-score`: pose metrics of generated sequences against references, paired by id. */
export function register(program: Command): void {
  program
    .command('pose-score')
    .description(
      'Pose metrics of hypothesis sequences against references, paired by id. --protocol slrtp: the SLRTP 2025 ' +
        'evaluator (FastDTW DTW-MJE, total distance, average duration, plus the PT DTW score); --protocol dtw: exact ' +
        'DTW-MJE with per-part errors, length ratio and a Fréchet pose distance. Inputs: any readable pose input ' +
        '(SignVerse shards, .pose, PT .skels, …).',
    )
    .requiredOption('--hyp <path>', 'hypothesis (generated) sequences')
    .requiredOption('--ref <path>', 'reference sequences')
    .option('--protocol <name>', `one of ${PROTOCOLS.join(', ')}`, 'slrtp')
    .option('--halve-hyp <mode>', 'slrtp: subsample hypotheses [::2]: auto (iff 25 fps, the harness rule), yes, no', 'auto')
    .option('--space <space>', 'dtw: coordinate space, centre-square or shoulder-width', 'centre-square')
    .option('--radius <n>', 'slrtp: FastDTW radius (the protocol uses 1)', '1')
    .option('--fastdtw <variant>', 'slrtp: fastdtw 0.3.4 code path to reproduce, python or cython (they differ only on ties)', 'python')
    .option('--json', 'print one JSON line')
    .action(async (opts: PoseScoreOptions) => {
      if (!(PROTOCOLS as readonly string[]).includes(opts.protocol)) {
        throw new Error(`--protocol must be one of ${PROTOCOLS.join(', ')}, got '${opts.protocol}'`);
      }
      const radius = Number(opts.radius);
      if (!Number.isInteger(radius) || radius < 0 || radius > 1000) throw new Error(`--radius must be an integer from 0 to 1000, got '${opts.radius}'`);
      const halve = parseHalve(opts.halveHyp);
      if (opts.fastdtw !== 'python' && opts.fastdtw !== 'cython') throw new Error(`--fastdtw must be python or cython, got '${opts.fastdtw}'`);
      const fastdtwVariant = opts.fastdtw;
      const { readPoseInputs } = await import('../../benchmark/metrics/pose/read-inputs.js');
      const hyp = await readPoseInputs(opts.hyp);
      const ref = await readPoseInputs(opts.ref);
      const bar = await progressBar(`${opts.protocol} {bar} {value}/{total} pairs`);
      try {
        if (opts.protocol === 'slrtp') {
          const { slrtpPoseScores } = await import('../../benchmark/protocols/slrtp.js');
          const haveCounters = hyp.counters.size > 0 || ref.counters.size > 0;
          const scores = slrtpPoseScores(hyp.sequences, ref.sequences, {
            halveHypothesis: halve,
            radius,
            fastdtwVariant,
            counter: haveCounters ? (seq, side) => (side === 'hyp' ? hyp : ref).counters.get(seq.id) : undefined,
            onProgress: bar.update,
          });
          bar.stop();
          if (opts.json) printJson(scores);
          else printTable(scores);
          return;
        }
        const { pairById, dtwMjeCorpus, frechetPoseDistance, POSE_SPACES } = await import('../../benchmark/metrics/pose/index.js');
        const space = POSE_SPACES.find((s) => s === opts.space);
        if (!space) throw new Error(`--space must be one of ${POSE_SPACES.join(', ')}, got '${opts.space}'`);
        const pairs = pairById(hyp.sequences, ref.sequences);
        const mje = dtwMjeCorpus(pairs, { space, onProgress: bar.update });
        bar.stop();
        const fpd = frechetPoseDistance(pairs.map((p) => p[0]), pairs.map((p) => p[1]));
        const result = {
          n: mje.n,
          skipped: mje.skipped,
          dtw_mje: mje.dtwMje,
          parts: mje.parts,
          length_ratio: mje.lengthRatio,
          fpd: fpd.fpd,
          signature: mje.signature,
          fpd_signature: fpd.signature,
        };
        if (opts.json) printJson(result);
        else printTable(result);
      } finally {
        bar.stop();
      }
    });
}

function printTable(obj: object): void {
  const lines: string[] = [];
  const fmt = (v: unknown) => (typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toFixed(6)) : v === null ? 'n/a' : String(v));
  for (const [k, v] of Object.entries(obj)) {
    if (v && typeof v === 'object') for (const [k2, v2] of Object.entries(v)) lines.push(`${`${k}.${k2}`.padEnd(18)} ${fmt(v2)}`);
    else lines.push(`${k.padEnd(18)} ${fmt(v)}`);
  }
  process.stdout.write(lines.join('\n') + '\n');
}
