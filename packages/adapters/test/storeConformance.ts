import { type SessionStore, StoreUnavailableError, sessionStoreSymbol } from '@chatflow/runtime';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChatflowStore } from '../src/index.ts';

/** A store under test, as a backend's conformance run provides it. */
export interface ConformanceSubject {
  /** The store, as `createStore` returns it. */
  keyv: ChatflowStore;
  /** Lets `ms` pass for TTLs: advances the store's injected clock, or waits for real. */
  elapse(ms: number): Promise<void>;
  /** Releases the store and removes whatever it wrote. */
  dispose(): Promise<void>;
}

const record = (revision: number, value = `value-${revision}`) => ({ value, revision });

async function collect(iterable: AsyncIterable<string>): Promise<string[]> {
  const found: string[] = [];
  for await (const key of iterable) found.push(key);
  return found.sort();
}

/** Polls `check`, letting 50 ms pass between tries, until it holds (at most 100 tries). */
async function eventually(
  subject: ConformanceSubject,
  what: string,
  check: () => Promise<boolean>,
): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt++) {
    if (await check()) return;
    await subject.elapse(50);
  }
  throw new Error(`expected ${what}, but it never happened`);
}

function bytesOfLength(length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  let state = 0x9e3779b9;
  for (let i = 0; i < length; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    bytes[i] = state & 0xff;
  }
  return bytes;
}

/**
 * The behaviour every chatflow store shares, as `describe`/`it` blocks: records with
 * compare-and-set, TTLs, index sets, raw binary blobs, key listing, awkward keys,
 * Keyv use and closing. Each backend's test file calls it with a factory giving a
 * fresh, empty store per test.
 *
 * @example
 * ```ts
 * storeConformance('memory', async () => {
 *   let now = 0;
 *   const keyv = createStore('memory', { now: () => now });
 *   return { keyv, elapse: async (ms) => { now += ms; }, dispose: () => keyv[sessionStoreSymbol].close() };
 * });
 * ```
 */
export function storeConformance(name: string, makeStore: () => Promise<ConformanceSubject>): void {
  describe(`${name} store conformance`, () => {
    let subject: ConformanceSubject;
    let store: SessionStore;

    beforeEach(async () => {
      subject = await makeStore();
      store = subject.keyv[sessionStoreSymbol];
    });

    afterEach(async () => {
      await subject.dispose();
    });

    describe('records', () => {
      it('should describe itself as an atomic store of its backend', () => {
        expect(store.backend).toBe(name);
        expect(store.atomic).toBe(true);
        expect(store.address).not.toBe('');
      });

      it('should read a missing record as undefined', async () => {
        expect(await store.get('absent')).toBeUndefined();
      });

      it('should write the first revision when the expected revision is 0', async () => {
        expect(await store.compareAndSet('s', 0, record(1))).toBe(true);
        expect(await store.get('s')).toEqual(record(1));
      });

      it('should refuse a first write over an existing record and keep the record', async () => {
        await store.compareAndSet('s', 0, record(1, 'first'));
        expect(await store.compareAndSet('s', 0, record(1, 'second'))).toBe(false);
        expect(await store.get('s')).toEqual(record(1, 'first'));
      });

      it('should write when the expected revision matches', async () => {
        await store.compareAndSet('s', 0, record(1));
        expect(await store.compareAndSet('s', 1, record(2))).toBe(true);
        expect(await store.compareAndSet('s', 2, record(3))).toBe(true);
        expect(await store.get('s')).toEqual(record(3));
      });

      it('should refuse a stale revision and write nothing', async () => {
        await store.compareAndSet('s', 0, record(1));
        await store.compareAndSet('s', 1, record(2));
        const refused = await store.compareAndSet('s', 1, record(2, 'stale'), {
          index: { key: 'idx', member: 's' },
        });
        expect(refused).toBe(false);
        expect(await store.get('s')).toEqual(record(2));
        expect(await store.members('idx')).toEqual([]);
      });

      it('should refuse a write expecting a revision of a record that does not exist', async () => {
        expect(await store.compareAndSet('s', 3, record(4))).toBe(false);
        expect(await store.get('s')).toBeUndefined();
      });

      it('should delete a record and say whether one existed', async () => {
        await store.compareAndSet('s', 0, record(1));
        expect(await store.delete('s')).toBe(true);
        expect(await store.get('s')).toBeUndefined();
        expect(await store.delete('s')).toBe(false);
        expect(await store.compareAndSet('s', 0, record(1, 'again'))).toBe(true);
      });

      it('should let exactly one of many concurrent first writers win', async () => {
        const writers = Array.from({ length: 25 }, (_, i) =>
          store.compareAndSet('race', 0, record(1, `writer-${i}`)),
        );
        const results = await Promise.all(writers);
        expect(results.filter(Boolean)).toHaveLength(1);
        const winner = results.indexOf(true);
        expect(await store.get('race')).toEqual(record(1, `writer-${winner}`));
      });

      it('should let exactly one of many concurrent writers of the next revision win', async () => {
        await store.compareAndSet('race', 0, record(1));
        const results = await Promise.all(
          Array.from({ length: 25 }, (_, i) =>
            store.compareAndSet('race', 1, record(2, `writer-${i}`)),
          ),
        );
        expect(results.filter(Boolean)).toHaveLength(1);
        expect(await store.get('race')).toEqual(record(2, `writer-${results.indexOf(true)}`));
      });
    });

    describe('createOrGet', () => {
      const createOrGet = (...args: Parameters<NonNullable<SessionStore['createOrGet']>>) => {
        if (store.createOrGet === undefined) throw new Error(`${name} has no createOrGet`);
        return store.createOrGet(...args);
      };

      it('should write where no record is, with its TTL and index membership', async () => {
        const outcome = await createOrGet('s', record(7, 'fresh'), {
          ttlMs: 60_000,
          index: { key: 'idx', member: 's' },
        });
        expect(outcome).toBeUndefined();
        expect(await store.get('s')).toEqual(record(7, 'fresh'));
        expect(await store.members('idx')).toEqual(['s']);
        expect(await store.compareAndSet('s', 7, record(8))).toBe(true);
      });

      it('should hand back the stored record and write nothing when one exists', async () => {
        await store.compareAndSet('s', 0, record(3, 'kept'));
        const outcome = await createOrGet('s', record(9, 'intruder'), {
          index: { key: 'idx', member: 's' },
        });
        expect(outcome).toEqual(record(3, 'kept'));
        expect(await store.get('s')).toEqual(record(3, 'kept'));
        expect(await store.members('idx')).toEqual([]);
      });

      it('should treat an expired record as absent', async () => {
        await store.compareAndSet('s', 0, record(1, 'old'), { ttlMs: 300 });
        await subject.elapse(300);
        await eventually(subject, 'the record to expire', async () => !(await store.get('s')));
        expect(await createOrGet('s', record(5, 'new'))).toBeUndefined();
        expect(await store.get('s')).toEqual(record(5, 'new'));
      });

      it('should let exactly one of many concurrent creators write; the others read its record', async () => {
        const outcomes = await Promise.all(
          Array.from({ length: 25 }, (_, i) => createOrGet('race', record(1, `creator-${i}`))),
        );
        const winners = outcomes.flatMap((outcome, i) => (outcome === undefined ? [i] : []));
        expect(winners).toHaveLength(1);
        const stored = record(1, `creator-${winners[0]}`);
        expect(await store.get('race')).toEqual(stored);
        for (const outcome of outcomes) if (outcome !== undefined) expect(outcome).toEqual(stored);
      });
    });

    describe('ttl', () => {
      it('should keep a record within its TTL', async () => {
        await store.compareAndSet('s', 0, record(1), { ttlMs: 60_000 });
        await subject.elapse(20);
        expect(await store.get('s')).toEqual(record(1));
      });

      it('should drop a record once its TTL has passed', async () => {
        await store.compareAndSet('s', 0, record(1), { ttlMs: 300 });
        await subject.elapse(300);
        await eventually(subject, 'the record to expire', async () => !(await store.get('s')));
        expect(await collect(store.keys(''))).toEqual([]);
        expect(await store.delete('s')).toBe(false);
      });

      it('should treat an expired record as absent for compare-and-set', async () => {
        await store.compareAndSet('s', 0, record(1), { ttlMs: 300 });
        await subject.elapse(300);
        await eventually(subject, 'the record to expire', async () => !(await store.get('s')));
        expect(await store.compareAndSet('s', 1, record(2))).toBe(false);
        expect(await store.compareAndSet('s', 0, record(1, 'fresh'))).toBe(true);
        expect(await store.get('s')).toEqual(record(1, 'fresh'));
      });

      it('should keep for good what is written without a positive TTL', async () => {
        await store.compareAndSet('later', 0, record(1), { ttlMs: 300 });
        await store.compareAndSet('later', 1, record(2));
        await store.compareAndSet('zero', 0, record(1), { ttlMs: 0 });
        await store.compareAndSet('negative', 0, record(1), { ttlMs: -5 });
        await store.compareAndSet('infinite', 0, record(1), { ttlMs: Number.POSITIVE_INFINITY });
        await store.setBytes('blob', new Uint8Array([1]), { ttlMs: 0 });
        await subject.elapse(700);
        expect(await store.get('later')).toEqual(record(2));
        expect(await store.get('zero')).toEqual(record(1));
        expect(await store.get('negative')).toEqual(record(1));
        expect(await store.get('infinite')).toEqual(record(1));
        expect(await store.getBytes('blob')).toEqual(new Uint8Array([1]));
      });

      it('should drop a blob once its TTL has passed', async () => {
        await store.setBytes('blob', new Uint8Array([1, 2, 3]), { ttlMs: 300 });
        expect(await store.getBytes('blob')).toEqual(new Uint8Array([1, 2, 3]));
        await subject.elapse(300);
        await eventually(
          subject,
          'the blob to expire',
          async () => !(await store.getBytes('blob')),
        );
      });
    });

    describe('index sets', () => {
      it('should read a missing set as empty', async () => {
        expect(await store.members('nobody')).toEqual([]);
      });

      it('should add the member on a write and remove it on a delete', async () => {
        const index = { key: 'user:{7}', member: 'user:{7}:chat-a' };
        await store.compareAndSet('user:{7}:chat-a', 0, record(1), { index });
        await store.compareAndSet('user:{7}:chat-b', 0, record(1), {
          index: { key: 'user:{7}', member: 'user:{7}:chat-b' },
        });
        expect((await store.members('user:{7}')).sort()).toEqual([
          'user:{7}:chat-a',
          'user:{7}:chat-b',
        ]);
        expect(await store.delete('user:{7}:chat-a', { index })).toBe(true);
        expect(await store.members('user:{7}')).toEqual(['user:{7}:chat-b']);
      });

      it('should keep one membership however often the record is written', async () => {
        const index = { key: 'idx', member: 'm' };
        await store.compareAndSet('m', 0, record(1), { index });
        await store.compareAndSet('m', 1, record(2), { index });
        expect(await store.members('idx')).toEqual(['m']);
      });

      it('should remove the membership even when the record is already gone', async () => {
        const index = { key: 'idx', member: 'gone' };
        await store.compareAndSet('gone', 0, record(1), { index });
        await store.delete('gone');
        expect(await store.delete('gone', { index })).toBe(false);
        expect(await store.members('idx')).toEqual([]);
      });
    });

    describe('blobs', () => {
      it('should read a missing blob as undefined and delete it as false', async () => {
        expect(await store.getBytes('nothing')).toBeUndefined();
        expect(await store.deleteBytes('nothing')).toBe(false);
      });

      it("should keep what was written when the caller's bytes change afterwards", async () => {
        const bytes = new Uint8Array([1, 2, 3]);
        await store.setBytes('blob', bytes);
        bytes[0] = 9;
        const read = await store.getBytes('blob');
        expect(read).toEqual(new Uint8Array([1, 2, 3]));
        read![1] = 9;
        expect(await store.getBytes('blob')).toEqual(new Uint8Array([1, 2, 3]));
      });

      it('should round-trip all 256 byte values as a Uint8Array', async () => {
        const bytes = Uint8Array.from({ length: 512 }, (_, i) => (i * 7) % 256);
        await store.setBytes('blob', bytes);
        const read = await store.getBytes('blob');
        expect(read).toBeInstanceOf(Uint8Array);
        expect(read).toEqual(bytes);
        expect(new Set(read).size).toBe(256);
      });

      it('should round-trip a 5 MB blob', async () => {
        const bytes = bytesOfLength(5 * 2 ** 20);
        await store.setBytes('big', bytes);
        const read = await store.getBytes('big');
        expect(read?.byteLength).toBe(bytes.byteLength);
        expect(Buffer.from(read ?? []).equals(Buffer.from(bytes))).toBe(true);
      });

      it('should store only the bytes of a view into a larger buffer', async () => {
        const whole = Uint8Array.from([9, 9, 1, 2, 3, 9]);
        await store.setBytes('view', whole.subarray(2, 5));
        expect(await store.getBytes('view')).toEqual(new Uint8Array([1, 2, 3]));
      });

      it('should round-trip an empty blob', async () => {
        await store.setBytes('empty', new Uint8Array(0));
        const read = await store.getBytes('empty');
        expect(read).toBeInstanceOf(Uint8Array);
        expect(read?.byteLength).toBe(0);
        expect(await store.deleteBytes('empty')).toBe(true);
      });

      it('should overwrite and delete a blob', async () => {
        await store.setBytes('blob', new Uint8Array([1]));
        await store.setBytes('blob', new Uint8Array([2, 2]));
        expect(await store.getBytes('blob')).toEqual(new Uint8Array([2, 2]));
        expect(await store.deleteBytes('blob')).toBe(true);
        expect(await store.getBytes('blob')).toBeUndefined();
      });
    });

    describe('keys', () => {
      const awkward = [
        'ключ:{пользователь}:会话:🙂',
        '__proto__',
        'constructor',
        `long:${'x'.repeat(10 * 1024)}`,
        'with spaces and "quotes" and \\ and \n newline',
      ];

      it.each(awkward.map((key) => [key.slice(0, 40), key]))(
        'should store records, blobs and sets under the key %j',
        async (_label, key) => {
          await store.compareAndSet(key, 0, record(1), {
            index: { key: `${key}#idx`, member: key },
          });
          await store.setBytes(`${key}#blob`, new Uint8Array([0, 1]));
          expect(await store.get(key)).toEqual(record(1));
          expect(await store.getBytes(`${key}#blob`)).toEqual(new Uint8Array([0, 1]));
          expect(await store.members(`${key}#idx`)).toEqual([key]);
          expect(await collect(store.keys(key))).toEqual([key, `${key}#blob`, `${key}#idx`].sort());
          expect(await store.get('__proto__x')).toBeUndefined();
        },
      );

      it('should list records, blobs and sets under a prefix and nothing else', async () => {
        await store.compareAndSet('user:{1}:a', 0, record(1), {
          index: { key: 'user:{1}', member: 'user:{1}:a' },
        });
        await store.setBytes('user:{1}:a:data', new Uint8Array([1]));
        await store.compareAndSet('user:{12}:a', 0, record(1));
        await store.compareAndSet('other:{1}', 0, record(1));
        expect(await collect(store.keys('user:{1}'))).toEqual([
          'user:{1}',
          'user:{1}:a',
          'user:{1}:a:data',
        ]);
        expect(await collect(store.keys('user:'))).toEqual(
          ['user:{12}:a', 'user:{1}', 'user:{1}:a', 'user:{1}:a:data'].sort(),
        );
        expect(await collect(store.keys(''))).toHaveLength(5);
        expect(await collect(store.keys('nothing-here'))).toEqual([]);
      });

      it('should take glob and pattern characters in a prefix literally', async () => {
        await store.compareAndSet('a*[b]?\\%_:1', 0, record(1));
        await store.compareAndSet('aX[b]?\\%_:2', 0, record(1));
        await store.compareAndSet('a*b?\\%_:3', 0, record(1));
        await store.compareAndSet('a*[b]?\\%x:4', 0, record(1));
        expect(await collect(store.keys('a*[b]?\\%_'))).toEqual(['a*[b]?\\%_:1']);
      });

      it('should list many keys across pages', async () => {
        const keys = Array.from({ length: 1200 }, (_, i) => `many:${String(i).padStart(4, '0')}`);
        for (let i = 0; i < keys.length; i += 100) {
          await Promise.all(
            keys.slice(i, i + 100).map((key) => store.compareAndSet(key, 0, record(1))),
          );
        }
        expect(await collect(store.keys('many:'))).toEqual(keys);
      });
    });

    describe('as a Keyv', () => {
      it('should set, get and delete values through Keyv', async () => {
        const { keyv } = subject;
        await keyv.set('a', 1);
        await keyv.set('b', { nested: ['x'] });
        expect(await keyv.get('a')).toBe(1);
        expect(await keyv.get('b')).toEqual({ nested: ['x'] });
        expect(await keyv.delete('a')).toBe(true);
        expect(await keyv.get('a')).toBeUndefined();
      });

      it('should keep Keyv values apart from the session store keys', async () => {
        await subject.keyv.set('s', 'keyv value');
        await store.compareAndSet('s', 0, record(1));
        expect(await subject.keyv.get('s')).toBe('keyv value');
        expect(await store.get('s')).toEqual(record(1));
        expect(await collect(store.keys(''))).toEqual(['s']);
      });
    });

    describe('close', () => {
      it('should refuse every operation after close with StoreUnavailableError', async () => {
        await store.compareAndSet('s', 0, record(1));
        await store.close();
        await store.close();
        const error = await store.get('s').catch((caught: unknown) => caught);
        expect(error).toBeInstanceOf(StoreUnavailableError);
        expect(error).toMatchObject({ code: 'STORE_UNAVAILABLE', backend: name });
        await expect(store.compareAndSet('s', 1, record(2))).rejects.toBeInstanceOf(
          StoreUnavailableError,
        );
        await expect(collect(store.keys(''))).rejects.toBeInstanceOf(StoreUnavailableError);
      });
    });
  });
}
