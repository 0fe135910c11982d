/**
 * Where a Redis store keeps things, for a namespace `ns` (default `chatflow`):
 *
 * - `<ns>:s:<key>`: the session store's keys, each exactly as the runtime gives it.
 *   A record is a hash `{ rev, val }`, a blob a string of raw bytes, an index a set.
 * - `<ns>:kv:<key>`: what is written through the Keyv itself (`keyv.set(key, value)`).
 *
 * The prefixes hold no `{`, so a runtime key's `{...}` hash tag alone picks its cluster
 * slot and the keys of one user stay together.
 */
export const redisKeyLayout = {
  /** Prefix of every session store key. */
  sessionPrefix: (namespace: string): string => `${namespace}:s:`,
  /** The namespace given to the Keyv adapter (it adds `:` and the key). */
  keyvNamespace: (namespace: string): string => `${namespace}:kv`,
} as const;

/**
 * `text` with Redis glob characters (`*`, `?`, `[`, `]`, `\`) escaped, for `SCAN MATCH`.
 *
 * @example
 * ```ts
 * escapeGlob('user:{4*2}'); // 'user:{4\\*2}'
 * ```
 */
export function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}
