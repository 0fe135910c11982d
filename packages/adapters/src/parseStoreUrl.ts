import { ConfigError } from '@chatflow/runtime';

/** Where a store lives, as {@link parseStoreUrl} reads it from a store URL. */
export type StoreTarget =
  | { backend: 'memory'; address: string }
  | { backend: 'sqlite'; path: string; address: string }
  | { backend: 'redis'; url: string; address: string };

const accepted =
  'Accepted: "memory", "sqlite://<file path>" (or "sqlite://:memory:"), ' +
  '"redis://host:port[/db]" and "rediss://host:port[/db]".';

/**
 * A URL with its password replaced by `***`, for messages and logs.
 *
 * @example
 * ```ts
 * redactUrl('redis://app:s3cret@cache:6379'); // 'redis://app:***@cache:6379'
 * ```
 */
export function redactUrl(url: string): string {
  return url.replace(
    /^([a-z][a-z0-9+.-]*:\/\/)([^@/?#]*)@/i,
    (_match, scheme: string, userinfo: string) => {
      const colon = userinfo.indexOf(':');
      return colon === -1 ? `${scheme}${userinfo}@` : `${scheme}${userinfo.slice(0, colon)}:***@`;
    },
  );
}

function refuse(url: string, reason: string): never {
  const shown = JSON.stringify(redactUrl(String(url)).slice(0, 200));
  throw new ConfigError('url', `Store URL ${shown} is not accepted: ${reason}. ${accepted}`);
}

function parseRedis(url: string): StoreTarget {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (cause) {
    return refuse(url, `it is not a valid URL (${(cause as Error).message})`);
  }
  if (parsed.hostname === '') refuse(url, 'it names no host');
  if (parsed.search !== '' || parsed.hash !== '') {
    refuse(url, 'query strings and fragments are not supported');
  }
  const db = parsed.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d{1,5}$/.test(db)) {
    refuse(url, `the database "${db.slice(0, 40)}" is not a number`);
  }
  const port = parsed.port === '' ? '6379' : parsed.port;
  const address = `${parsed.hostname}:${port}${db === '' || db === '0' ? '' : `/${Number(db)}`}`;
  return { backend: 'redis', url, address };
}

function parseSqlite(url: string): StoreTarget {
  const path = url.slice('sqlite://'.length);
  if (path === '') refuse(url, 'it names no file');
  if (path.includes('\0')) refuse(url, 'the file name contains a NUL character');
  return { backend: 'sqlite', path, address: path };
}

/**
 * Reads a store URL: `memory`, `sqlite://path/to/file.db` (relative to the working
 * directory; `sqlite:///abs/path.db` for an absolute path; `sqlite://:memory:`),
 * `redis://[user:password@]host:port[/db]` or `rediss://...` (TLS). The `address` it
 * returns never carries credentials.
 *
 * @throws ConfigError (field `url`) saying what was given and what is accepted.
 * @example
 * ```ts
 * parseStoreUrl('redis://:pw@localhost:6379/2'); // { backend: 'redis', url, address: 'localhost:6379/2' }
 * ```
 */
export function parseStoreUrl(url: string): StoreTarget {
  if (typeof url !== 'string') return refuse(String(url), 'it is not a string');
  if (url === 'memory') return { backend: 'memory', address: 'in-process' };
  if (url.startsWith('sqlite://')) return parseSqlite(url);
  if (/^rediss?:\/\//i.test(url)) return parseRedis(url);
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1];
  return refuse(url, scheme === undefined ? 'it has no scheme' : `unknown scheme "${scheme}"`);
}
