import { SignbenchError } from '../../pose/errors.js';
import { SqliteStore } from './sqlite.js';
import type { Store } from './types.js';

export type { Store } from './types.js';
export * from './types.js';

/**
 * Opens the store named by `db`: `sqlite:PATH` (the embedded default, `<dataDir>/signbench.db`). Issue 17 adds
 * `postgres://…` behind the same interface.
 */
export async function openStore(config: { db: string }): Promise<Store> {
  const db = config.db;
  if (db.startsWith('sqlite:')) return new SqliteStore(db.slice('sqlite:'.length));
  if (/^postgres(ql)?:\/\//.test(db)) {
    throw new SignbenchError('invalid-input', `SIGNBENCH_DB=${db.replace(/\/\/[^@]*@/, '//…@')}: the PostgreSQL store is not built yet (issue 17); use sqlite:PATH`);
  }
  throw new SignbenchError('invalid-input', `SIGNBENCH_DB must be sqlite:PATH or postgres://…, got "${db}"`);
}
