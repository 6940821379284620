import type { Command } from 'commander';
import { printJson } from '../output.js';

/** `signbench slrtp-table`: the published SLRTP 2025 reference rows (never computed here). */
export function register(program: Command): void {
  program
    .command('slrtp-table')
    .description('Print the published SLRTP 2025 challenge tables (PHOENIX-2014T test and hidden test) as reference rows, with their source')
    .option('--split <split>', 'phoenix14t-test or hidden-test (default: both)')
    .option('--json', 'print one JSON line: {source, rows}')
    .action(async (opts: { split?: string; json?: boolean }) => {
      const { SLRTP_TABLE_SOURCE, formatSlrtpTable, slrtpReferenceRows } = await import('../../benchmark/protocols/slrtp-table.js');
      const splits = ['phoenix14t-test', 'hidden-test'] as const;
      const split = opts.split === undefined ? undefined : splits.find((s) => s === opts.split);
      if (opts.split !== undefined && !split) throw new Error(`--split must be one of ${splits.join(', ')}, got '${opts.split}'`);
      if (opts.json) printJson({ source: SLRTP_TABLE_SOURCE, rows: slrtpReferenceRows(split) });
      else process.stdout.write(formatSlrtpTable(split));
    });
}
