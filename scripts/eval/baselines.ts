/**
 * The baseline leaderboard of a suite, without the store: `npx tsx scripts/eval/baselines.ts --suite synthetic-v1
 * [--data DIR] [--json | --html FILE]` computes (or reads from the cache) the four baseline rows and prints them
 * ranked, as Markdown by default. `signbench leaderboard` (runner/) shows the same rows beside the submissions.
 */
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { baselineResults } from '../../benchmark/baselines/index.js';
import { leaderboardHtml, leaderboardMarkdown, rankLeaderboard } from '../../benchmark/leaderboard/index.js';
import { releaseJudges } from '../../benchmark/scoring/judge.js';
import { loadSuite } from '../../benchmark/suite/index.js';

const { values } = parseArgs({ options: { suite: { type: 'string', default: 'synthetic-v1' }, data: { type: 'string' }, json: { type: 'boolean', default: false }, html: { type: 'string' } } });
const dataDir = resolve(values.data ?? process.env.SIGNBENCH_DATA ?? 'data');
const t0 = performance.now();
let last = '';
const suite = await loadSuite(values.suite, { dataDir });
const rows = await baselineResults(suite, {
  dataDir,
  onProgress: (p) => {
    const line = `${p.baseline} ${p.stage}`;
    if (line !== last) { process.stderr.write(`[${((performance.now() - t0) / 1000).toFixed(0)} s] ${line} (${p.total})\n`); last = line; }
  },
});
await releaseJudges();
const lb = rankLeaderboard(suite.info.name, rows.map((r) => ({ name: r.name, kind: 'baseline' as const, result: r.result })));
if (values.html) await writeFile(values.html, leaderboardHtml(lb));
process.stdout.write(values.json ? JSON.stringify(lb) + '\n' : leaderboardMarkdown(lb));
process.stderr.write(`${((performance.now() - t0) / 1000).toFixed(0)} s; timings: ${rows.map((r) => `${r.name} ${r.result.timings.total_s} s`).join(', ')}\n`);
