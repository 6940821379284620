import { SignbenchError } from '../../pose/errors.js';
import { SqliteStore } from './sqlite.js';
import type { Store } from './types.js';

export type { Store } from './types.js';
export * from './types.js';

/**
 * Opens the store named by `db`: `sqlite:PATH` (the embedded default, `<dataDir>/signbench.db`) or
 * `postgres://…` / `postgresql://…` (issue 17). Migrations are applied on open.
 */
export async function openStore(config: { db: string }): Promise<Store> {
  const db = config.db;
  if (db.startsWith('sqlite:')) return new SqliteStore(db.slice('sqlite:'.length));
  if (/^postgres(ql)?:\/\//.test(db)) {
    const { PostgresStore } = await import('./postgres.js');
    return PostgresStore.open(db);
  }
  throw new SignbenchError('invalid-input', `SIGNBENCH_DB must be sqlite:PATH or postgres://…, got "${db}"`);
}
