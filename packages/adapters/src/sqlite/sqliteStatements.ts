/**
 * The SQL of a {@link SqliteSessionStore}, for the tables of one namespace:
 *
 * - `<ns>_records (key TEXT PRIMARY KEY, rev INTEGER, value TEXT, expires INTEGER)`
 * - `<ns>_blobs (key TEXT PRIMARY KEY, bytes BLOB, expires INTEGER)`
 * - `<ns>_sets (key TEXT, member TEXT, PRIMARY KEY (key, member))`
 *
 * `expires` is epoch milliseconds or `NULL` (never). A row whose `expires` is not after
 * the store's clock is gone: reads skip it, writes treat it as absent, and writes purge
 * such rows now and then. The namespace is checked to be `[A-Za-z][A-Za-z0-9_]*` before
 * it reaches this SQL.
 */
export interface SqliteStatements {
  schema: string[];
  getRecord: string;
  /** Params: key, rev, value, expires, now. Returns the row when written. */
  insertRecord: string;
  /** Params: rev, value, expires, key, expected rev, now. Returns the row when written. */
  updateRecord: string;
  /** Params: key. Returns the deleted row's `expires`. */
  deleteRecord: string;
  getBlob: string;
  /** Params: key, bytes, expires. */
  upsertBlob: string;
  /** Params: key. Returns the deleted row's `expires`. */
  deleteBlob: string;
  /** Params: set key, member. */
  addMember: string;
  /** Params: set key, member. */
  removeMember: string;
  members: string;
  /** Params: now, now. */
  purgeExpired: string[];
  /** Params: lower bound, now (records), lower bound, now (blobs), lower bound (sets), limit. */
  firstKeys: string;
  /** As {@link SqliteStatements.firstKeys}, with the last key seen as an exclusive bound. */
  nextKeys: string;
}

function keyPage(records: string, blobs: string, sets: string, op: '>=' | '>'): string {
  return `SELECT key FROM (
      SELECT key FROM ${records} WHERE key ${op} ? AND (expires IS NULL OR expires > ?)
      UNION SELECT key FROM ${blobs} WHERE key ${op} ? AND (expires IS NULL OR expires > ?)
      UNION SELECT DISTINCT key FROM ${sets} WHERE key ${op} ?
    ) ORDER BY key LIMIT ?`;
}

/** Builds the {@link SqliteStatements} of the tables prefixed with `namespace`. */
export function sqliteStatements(namespace: string): SqliteStatements {
  const records = `${namespace}_records`;
  const blobs = `${namespace}_blobs`;
  const sets = `${namespace}_sets`;
  return {
    schema: [
      `CREATE TABLE IF NOT EXISTS ${records} (key TEXT PRIMARY KEY NOT NULL, rev INTEGER NOT NULL, value TEXT NOT NULL, expires INTEGER)`,
      `CREATE INDEX IF NOT EXISTS ${records}_expires ON ${records} (expires) WHERE expires IS NOT NULL`,
      `CREATE TABLE IF NOT EXISTS ${blobs} (key TEXT PRIMARY KEY NOT NULL, bytes BLOB NOT NULL, expires INTEGER)`,
      `CREATE INDEX IF NOT EXISTS ${blobs}_expires ON ${blobs} (expires) WHERE expires IS NOT NULL`,
      `CREATE TABLE IF NOT EXISTS ${sets} (key TEXT NOT NULL, member TEXT NOT NULL, PRIMARY KEY (key, member)) WITHOUT ROWID`,
    ],
    getRecord: `SELECT rev, value, expires FROM ${records} WHERE key = ?`,
    insertRecord: `INSERT INTO ${records} (key, rev, value, expires) VALUES (?, ?, ?, ?)
      ON CONFLICT (key) DO UPDATE SET rev = excluded.rev, value = excluded.value, expires = excluded.expires
      WHERE ${records}.expires IS NOT NULL AND ${records}.expires <= ?
      RETURNING rev`,
    updateRecord: `UPDATE ${records} SET rev = ?, value = ?, expires = ?
      WHERE key = ? AND rev = ? AND (expires IS NULL OR expires > ?)
      RETURNING rev`,
    deleteRecord: `DELETE FROM ${records} WHERE key = ? RETURNING expires`,
    getBlob: `SELECT bytes, expires FROM ${blobs} WHERE key = ?`,
    upsertBlob: `INSERT INTO ${blobs} (key, bytes, expires) VALUES (?, ?, ?)
      ON CONFLICT (key) DO UPDATE SET bytes = excluded.bytes, expires = excluded.expires`,
    deleteBlob: `DELETE FROM ${blobs} WHERE key = ? RETURNING expires`,
    addMember: `INSERT OR IGNORE INTO ${sets} (key, member) VALUES (?, ?)`,
    removeMember: `DELETE FROM ${sets} WHERE key = ? AND member = ?`,
    members: `SELECT member FROM ${sets} WHERE key = ? ORDER BY member`,
    purgeExpired: [
      `DELETE FROM ${records} WHERE expires IS NOT NULL AND expires <= ?`,
      `DELETE FROM ${blobs} WHERE expires IS NOT NULL AND expires <= ?`,
    ],
    firstKeys: keyPage(records, blobs, sets, '>='),
    nextKeys: keyPage(records, blobs, sets, '>'),
  };
}
