import { describe, expect, it } from 'vitest';
import type { SessionStore } from '../../src/sessionStore.ts';

/** A store under test and a way to move its clock forward. */
export interface StoreFixture {
  store: SessionStore;
  advance(ms: number): void;
  cleanup?(): void;
}

async function collect(iterable: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const key of iterable) out.push(key);
  return out.sort();
}

/**
 * The behaviour the runtime relies on from any `SessionStore`: reads, compare-and-set
 * with revisions, conflicts, deletes, TTLs, bytes, index sets and key listing.
 */
export function describeSessionStore(name: string, create: () => StoreFixture): void {
  describe(`${name} as a SessionStore`, () => {
    async function withStore(run: (fixture: StoreFixture) => Promise<void>) {
      const fixture = create();
      try {
        await run(fixture);
      } finally {
        fixture.cleanup?.();
      }
    }

    it('should answer undefined for a missing record', () =>
      withStore(async ({ store }) => {
        expect(await store.get('chatflow:{u:1}:s:none')).toBeUndefined();
      }));

    it('should create with revision 0 and read back value and revision', () =>
      withStore(async ({ store }) => {
        expect(await store.compareAndSet('k', 0, { value: '{"a":1}', revision: 1 })).toBe(true);
        expect(await store.get('k')).toEqual({ value: '{"a":1}', revision: 1 });
      }));

    it('should refuse a write whose expected revision is stale, changing nothing', () =>
      withStore(async ({ store }) => {
        await store.compareAndSet('k', 0, { value: 'one', revision: 1 });
        expect(await store.compareAndSet('k', 0, { value: 'other', revision: 1 })).toBe(false);
        expect(await store.compareAndSet('k', 2, { value: 'other', revision: 3 })).toBe(false);
        expect(await store.compareAndSet('k', 1, { value: 'two', revision: 2 })).toBe(true);
        expect(await store.get('k')).toEqual({ value: 'two', revision: 2 });
      }));

    it('should let exactly one of many concurrent writers win', () =>
      withStore(async ({ store }) => {
        await store.compareAndSet('k', 0, { value: 'base', revision: 1 });
        const results = await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            store.compareAndSet('k', 1, { value: `w${i}`, revision: 2 }),
          ),
        );
        expect(results.filter(Boolean)).toHaveLength(1);
        const winner = results.indexOf(true);
        expect(await store.get('k')).toEqual({ value: `w${winner}`, revision: 2 });
      }));

    it('should delete a record and say whether one existed', () =>
      withStore(async ({ store }) => {
        await store.compareAndSet('k', 0, { value: 'v', revision: 1 });
        expect(await store.delete('k')).toBe(true);
        expect(await store.get('k')).toBeUndefined();
        expect(await store.delete('k')).toBe(false);
        expect(await store.compareAndSet('k', 0, { value: 'again', revision: 1 })).toBe(true);
      }));

    it('should forget a record after its TTL', () =>
      withStore(async ({ store, advance }) => {
        await store.compareAndSet('k', 0, { value: 'v', revision: 1 }, { ttlMs: 1000 });
        advance(999);
        expect(await store.get('k')).toEqual({ value: 'v', revision: 1 });
        expect(
          await store.compareAndSet('k', 1, { value: 'w', revision: 2 }, { ttlMs: 1000 }),
        ).toBe(true);
        advance(999);
        expect((await store.get('k'))?.value).toBe('w');
        advance(2);
        expect(await store.get('k')).toBeUndefined();
        expect(await store.compareAndSet('k', 0, { value: 'x', revision: 1 })).toBe(true);
      }));

    it('should keep bytes exactly as written, apart from records', () =>
      withStore(async ({ store, advance }) => {
        const bytes = new Uint8Array(256).map((_, i) => i);
        const view = new Uint8Array(bytes.buffer, 10, 20);
        await store.setBytes('b', view, { ttlMs: 500 });
        await store.setBytes('b2', new Uint8Array(0));
        expect(Array.from((await store.getBytes('b')) ?? [])).toEqual(Array.from(view));
        expect((await store.getBytes('b2'))?.byteLength).toBe(0);
        expect(await store.getBytes('none')).toBeUndefined();
        advance(501);
        expect(await store.getBytes('b')).toBeUndefined();
        expect(await store.deleteBytes('b2')).toBe(true);
        expect(await store.deleteBytes('b2')).toBe(false);
        expect(await store.getBytes('b2')).toBeUndefined();
      }));

    it('should keep an index in step with writes and deletes', () =>
      withStore(async ({ store }) => {
        const index = 'chatflow:{u:1}:idx';
        expect(await store.members(index)).toEqual([]);
        await store.compareAndSet(
          'a',
          0,
          { value: 'v', revision: 1 },
          { index: { key: index, member: 'a' } },
        );
        await store.compareAndSet(
          'b',
          0,
          { value: 'v', revision: 1 },
          { index: { key: index, member: 'b' } },
        );
        await store.compareAndSet(
          'a',
          1,
          { value: 'v', revision: 2 },
          { index: { key: index, member: 'a' } },
        );
        expect((await store.members(index)).sort()).toEqual(['a', 'b']);
        expect(
          await store.compareAndSet(
            'a',
            1,
            { value: 'x', revision: 2 },
            { index: { key: index, member: 'zzz' } },
          ),
        ).toBe(false);
        expect((await store.members(index)).sort()).toEqual(['a', 'b']);
        await store.delete('a', { index: { key: index, member: 'a' } });
        expect(await store.members(index)).toEqual(['b']);
        await store.delete('b', { index: { key: index, member: 'b' } });
        expect(await store.members(index)).toEqual([]);
      }));

    it('should keep an index alive as long as its members', () =>
      withStore(async ({ store, advance }) => {
        const index = 'chatflow:{u:2}:idx';
        await store.compareAndSet(
          'a',
          0,
          { value: 'v', revision: 1 },
          { ttlMs: 1000, index: { key: index, member: 'a' } },
        );
        advance(900);
        await store.compareAndSet(
          'a',
          1,
          { value: 'v', revision: 2 },
          { ttlMs: 1000, index: { key: index, member: 'a' } },
        );
        advance(900);
        expect(await store.get('a')).toBeDefined();
        expect(await store.members(index)).toEqual(['a']);
      }));

    it('should list the keys under a prefix', () =>
      withStore(async ({ store }) => {
        await store.compareAndSet(
          'chatflow:{u:1}:s:a',
          0,
          { value: 'v', revision: 1 },
          {
            index: { key: 'chatflow:{u:1}:idx', member: 'chatflow:{u:1}:s:a' },
          },
        );
        await store.setBytes('chatflow:{u:1}:d:x:y', new Uint8Array([1]));
        await store.compareAndSet('chatflow:{u:12}:s:a', 0, { value: 'v', revision: 1 });
        expect(await collect(store.keys('chatflow:{u:1}:'))).toEqual([
          'chatflow:{u:1}:d:x:y',
          'chatflow:{u:1}:idx',
          'chatflow:{u:1}:s:a',
        ]);
      }));
  });
}
