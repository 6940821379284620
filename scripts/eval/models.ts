/**
 * `npx tsx scripts/eval/models.ts [--limit N] [--systems truth,generator,floor,mean,nearest] [--generator A,B]
 * [--translator DIR] [--json]`: prints scripts/eval/models.ts's back-translation table.
 */
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { evaluateModels, formatTable, SYSTEMS, type SystemName } from '../../benchmark/eval/models.js';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      limit: { type: 'string', default: '100' }, generator: { type: 'string' }, translator: { type: 'string' },
      systems: { type: 'string', default: SYSTEMS.join(',') }, json: { type: 'boolean', default: false },
    },
  });
  const limit = Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1) throw new Error(`--limit must be a positive integer, got "${values.limit}"`);
  const systems = values.systems.split(',').map((x) => x.trim());
  const unknown = systems.filter((x) => !(SYSTEMS as readonly string[]).includes(x));
  if (unknown.length > 0) throw new Error(`--systems: unknown ${unknown.join(', ')} (known: ${SYSTEMS.join(', ')})`);
  const generators = values.generator?.split(',').map((x) => x.trim()).filter((x) => x.length > 0);
  const rows = await evaluateModels({
    limit, generators, translator: values.translator, systems: systems as SystemName[],
    onWarning: (message) => process.stderr.write(`[eval] ${message}\n`),
  });
  process.stdout.write(values.json ? JSON.stringify(rows) + '\n' : formatTable(rows, values.translator ?? 'models/translator'));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err) => { process.stderr.write(`eval models: ${(err as Error).message}\n`); process.exitCode = 1; });
}
