import { Keyv, type KeyvStoreAdapter } from 'keyv';

/** A Keyv over a Map whose reads and writes throw while a flag is on. */
export interface FlakyKeyv {
  keyv: Keyv;
  failReads: boolean;
  failWrites: boolean;
  /** Reads and writes the adapter received. */
  calls: { get: number; set: number; delete: number };
}

/** Creates a {@link FlakyKeyv}: the fault is real, raised by the store adapter itself. */
export function createFlakyKeyv(): FlakyKeyv {
  const map = new Map<string, unknown>();
  const flaky: FlakyKeyv = {
    keyv: undefined as unknown as Keyv,
    failReads: false,
    failWrites: false,
    calls: { get: 0, set: 0, delete: 0 },
  };
  const adapter = {
    opts: { url: 'redis://user:secret@cache.example:6379' },
    async get(key: string) {
      flaky.calls.get += 1;
      if (flaky.failReads) throw new Error('connection refused');
      return map.get(key);
    },
    async set(key: string, value: unknown) {
      flaky.calls.set += 1;
      if (flaky.failWrites) throw new Error('connection refused');
      map.set(key, value);
      return true;
    },
    async delete(key: string) {
      flaky.calls.delete += 1;
      if (flaky.failWrites) throw new Error('connection refused');
      return map.delete(key);
    },
    async clear() {
      map.clear();
    },
    on() {
      return adapter;
    },
  };
  flaky.keyv = new Keyv({ store: adapter as unknown as KeyvStoreAdapter });
  return flaky;
}
