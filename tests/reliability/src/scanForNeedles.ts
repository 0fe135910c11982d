import { encodeId, type SessionStore } from '@chatflow/runtime';
import type { RawRedisClient, RespValue } from './rawRedisClient.ts';

/**
 * The forms a user id can take in storage and logs: as it is, escaped for a key
 * (`encodeURIComponent`, the runtime's `encodeId`, and escaped twice), inside JSON, and
 * its UTF-8 bytes in base64 and hex.
 *
 * @example
 * ```ts
 * encodingsOf('a:b'); // ['a:b', 'a%3Ab', 'a%253Ab', ...]
 * ```
 */
export function encodingsOf(id: string): string[] {
  const bytes = Buffer.from(id, 'utf8');
  const forms = [
    id,
    encodeId(id),
    encodeId(encodeId(id)),
    JSON.stringify(id).slice(1, -1),
    bytes.toString('base64').replace(/=+$/, ''),
    bytes.toString('hex'),
  ];
  try {
    forms.push(encodeURIComponent(id));
  } catch {
    // a lone surrogate: encodeId covers it
  }
  return [...new Set(forms.filter((form) => form.length >= 4))];
}

/** The needles found in `haystack` (bytes, or text as UTF-8). */
export function needlesIn(haystack: Uint8Array | string, needles: string[]): string[] {
  const bytes =
    typeof haystack === 'string' ? Buffer.from(haystack, 'utf8') : Buffer.from(haystack);
  return needles.filter((needle) => bytes.includes(Buffer.from(needle, 'utf8')));
}

/** A place where a needle was found. */
export interface Finding {
  where: string;
  needle: string;
}

async function tryRead<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch {
    return undefined;
  }
}

/**
 * Lists every key of a `SessionStore` (`keys('')`) and reads each as a record, a blob
 * and a set, reporting every needle found in a key or in what it holds.
 *
 * @example
 * ```ts
 * expect(await scanSessionStore(store, encodingsOf('alice'))).toEqual([]);
 * ```
 */
export async function scanSessionStore(store: SessionStore, needles: string[]): Promise<Finding[]> {
  const findings: Finding[] = [];
  const report = (where: string, haystack: Uint8Array | string) => {
    for (const needle of needlesIn(haystack, needles)) findings.push({ where, needle });
  };
  for await (const key of store.keys('')) {
    report(`key ${key}`, key);
    const record = await tryRead(() => store.get(key));
    if (record !== undefined) report(`record ${key}`, record.value);
    const bytes = await tryRead(() => store.getBytes(key));
    if (bytes !== undefined) report(`blob ${key}`, bytes);
    const members = await tryRead(() => store.members(key));
    for (const member of members ?? []) report(`set ${key}`, member);
  }
  return findings;
}

function flatten(value: RespValue): Buffer[] {
  if (value === null || value instanceof Error) return [];
  if (Array.isArray(value)) return value.flatMap(flatten);
  return [Buffer.isBuffer(value) ? value : Buffer.from(String(value))];
}

/**
 * Scans a whole Redis server (`SCAN 0 MATCH *`), reading every key by its type, and
 * reports every needle found in a key name or value.
 */
export async function scanRedis(raw: RawRedisClient, needles: string[]): Promise<Finding[]> {
  const findings: Finding[] = [];
  for (const key of await raw.scan('*')) {
    for (const needle of needlesIn(key, needles))
      findings.push({ where: `redis key ${key}`, needle });
    const type = String(await raw.command('TYPE', key));
    const read: Record<string, string[]> = {
      string: ['GET', key],
      hash: ['HGETALL', key],
      set: ['SMEMBERS', key],
      list: ['LRANGE', key, '0', '-1'],
      zset: ['ZRANGE', key, '0', '-1', 'WITHSCORES'],
    };
    const command = read[type];
    if (command === undefined) continue;
    for (const part of flatten(await raw.command(...command))) {
      for (const needle of needlesIn(part, needles)) {
        findings.push({ where: `redis ${type} ${key}`, needle });
      }
    }
  }
  return findings;
}

/**
 * Scans every table of an SQLite database (`SELECT *` over each table in
 * `sqlite_master`), reporting every needle found in any column of any row.
 */
export async function scanSqlite(
  sql: (statement: string) => Promise<unknown[]>,
  needles: string[],
): Promise<Finding[]> {
  const findings: Finding[] = [];
  const tables = (await sql("SELECT name FROM sqlite_master WHERE type = 'table'")) as {
    name: string;
  }[];
  for (const { name } of tables) {
    const rows = (await sql(`SELECT * FROM "${name.replaceAll('"', '""')}"`)) as Record<
      string,
      unknown
    >[];
    for (const row of rows) {
      for (const [column, value] of Object.entries(row)) {
        if (value === null || value === undefined) continue;
        const haystack = value instanceof Uint8Array ? value : String(value);
        for (const needle of needlesIn(haystack, needles)) {
          findings.push({ where: `sqlite ${name}.${column}`, needle });
        }
      }
    }
  }
  return findings;
}
