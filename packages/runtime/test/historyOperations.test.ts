import { describe, expect, it } from 'vitest';
import { SessionNotFoundError } from '../src/errors.ts';
import { cutHistoryText, maxMetadataDepth } from '../src/historyOperations.ts';
import { normalizeSessionKey, sessionStorageKey } from '../src/keys.ts';
import { createMemoryStore } from '../src/memoryStore.ts';
import { createCountingStore } from './support/countingStore.ts';
import { createClock, createTestRuntime } from './support/testRuntime.ts';

const key = { userId: 7, conversationId: 'c' };
const storageKey = sessionStorageKey(normalizeSessionKey(key));
/** A lone (unpaired) surrogate. */
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

describe('addToHistory and getHistory', () => {
  it('should keep messages in order and return the last n, 5 by default', async () => {
    const { runtime, clock } = createTestRuntime();
    await runtime.getOrCreateSession(key);
    for (let i = 1; i <= 8; i += 1) {
      clock.advanceMinutes(1);
      await runtime.addToHistory(key, {
        role: i % 2 === 0 ? 'assistant' : 'user',
        text: `message ${i}`,
        ...(i === 8 ? { metadata: { step: 'done' } } : {}),
      });
    }
    const last5 = await runtime.getHistory(key);
    expect(last5.map((m) => m.text)).toEqual([4, 5, 6, 7, 8].map((i) => `message ${i}`));
    expect(last5[4]).toEqual({
      role: 'assistant',
      text: 'message 8',
      metadata: { step: 'done' },
      at: clock.now(),
    });
    expect((await runtime.getHistory(key, 2)).map((m) => m.text)).toEqual([
      'message 7',
      'message 8',
    ]);
    expect(await runtime.getHistory(key, 0)).toEqual([]);
  });

  it('should keep a sliding window of maxHistoryMessages, persisted', async () => {
    const { runtime, store, clock } = createTestRuntime({ config: { maxHistoryMessages: 3 } });
    await runtime.getOrCreateSession(key);
    for (let i = 1; i <= 5; i += 1)
      await runtime.addToHistory(key, { role: 'user', text: `m${i}` });
    const again = createTestRuntime({ store, clock, config: { maxHistoryMessages: 3 } }).runtime;
    expect((await again.getHistory(key, 10)).map((m) => m.text)).toEqual(['m3', 'm4', 'm5']);
  });

  it('should refuse a malformed message', async () => {
    const { runtime } = createTestRuntime();
    await runtime.getOrCreateSession(key);
    await expect(
      runtime.addToHistory(key, { role: 'robot', text: 'x' } as never),
    ).rejects.toBeInstanceOf(TypeError);
    await expect(runtime.addToHistory(key, { role: 'user' } as never)).rejects.toBeInstanceOf(
      TypeError,
    );
  });

  it('should need a session', async () => {
    const { runtime } = createTestRuntime();
    await expect(runtime.getHistory(key)).rejects.toBeInstanceOf(SessionNotFoundError);
  });
});

describe('history of a message delivered again (messageId)', () => {
  it('should keep an entry once per message, role and text, with its id, in the store too', async () => {
    const { runtime, store, clock } = createTestRuntime();
    await runtime.getOrCreateSession(key);
    await runtime.addToHistory(key, { role: 'user', text: 'train' }, { messageId: 41 });
    await runtime.addToHistory(key, { role: 'assistant', text: 'Upload data' }, { messageId: 41 });
    // The same message again: the same entries are not added a second time...
    await runtime.addToHistory(key, { role: 'user', text: 'train' }, { messageId: '41' });
    await runtime.addToHistory(key, { role: 'assistant', text: 'Upload data' }, { messageId: 41 });
    // ...while an answer it gets this time that differs is, as are other messages.
    await runtime.addToHistory(
      key,
      { role: 'assistant', text: 'Still waiting' },
      { messageId: 41 },
    );
    await runtime.addToHistory(key, { role: 'user', text: 'train' }, { messageId: 42 });
    await runtime.addToHistory(key, { role: 'user', text: 'train' });
    const again = createTestRuntime({ store, clock }).runtime;
    const history = await again.getHistory(key, 10);
    expect(history.map((m) => [m.role, m.text, m.messageId])).toEqual([
      ['user', 'train', '41'],
      ['assistant', 'Upload data', '41'],
      ['assistant', 'Still waiting', '41'],
      ['user', 'train', '42'],
      ['user', 'train', undefined],
    ]);
    expect(Object.hasOwn(history[4] as object, 'messageId')).toBe(false);
  });

  it('should write nothing for an entry it already holds', async () => {
    const { store, counts } = createCountingStore();
    const { runtime } = createTestRuntime({ store });
    await runtime.getOrCreateSession(key);
    await runtime.addToHistory(key, { role: 'user', text: 'hi' }, { messageId: 7 });
    const writes = counts.compareAndSet;
    await runtime.addToHistory(key, { role: 'user', text: 'hi' }, { messageId: 7 });
    expect(counts.compareAndSet).toBe(writes);
  });

  it('should refuse a malformed messageId and write nothing', async () => {
    const { runtime } = createTestRuntime();
    await runtime.getOrCreateSession(key);
    for (const messageId of [Number.NaN, '', 'x'.repeat(201), {}]) {
      await expect(
        runtime.addToHistory(key, { role: 'user', text: 'x' }, { messageId } as never),
      ).rejects.toThrow(/messageId is a finite number or a string of 1 to 200 characters/);
    }
    expect(await runtime.getHistory(key)).toEqual([]);
  });
});

describe('history text length', () => {
  const megabyteText = `${'0123456789abcdef'.repeat(2 ** 16)}`; // 1,048,576 characters

  it('should keep a 1 MB text cut to maxHistoryTextLength (4,096 by default), with a visible mark, in the store too', async () => {
    const clock = createClock();
    const store = createMemoryStore({ now: clock.now });
    const { runtime } = createTestRuntime({ store, clock });
    await runtime.getOrCreateSession(key);
    await runtime.addToHistory(key, { role: 'user', text: megabyteText, metadata: { n: 1 } });
    const [message] = await runtime.getHistory(key, 1);
    const text = message?.text ?? '';
    expect(text).toHaveLength(4096);
    // The mark for 1,048,576 removed characters is 32 long: 4,064 are kept, and say so.
    expect(text).toBe(`${megabyteText.slice(0, 4064)} … [1044512 more characters cut]`);
    expect(message?.metadata).toEqual({ n: 1 });

    // The record in the store holds the cut text, not the megabyte.
    const stored = await store.get(storageKey);
    expect(stored?.value.length).toBeGreaterThan(4096);
    expect(stored?.value.length).toBeLessThan(8192);
    const again = createTestRuntime({ store, clock }).runtime;
    expect((await again.getHistory(key, 1))[0]?.text).toBe(text);
  });

  it('should keep a text of exactly the limit whole and cut one a character longer', async () => {
    const { runtime } = createTestRuntime({ config: { maxHistoryTextLength: 64 } });
    await runtime.getOrCreateSession(key);
    const exact = 'e'.repeat(64);
    await runtime.addToHistory(key, { role: 'user', text: exact });
    await runtime.addToHistory(key, { role: 'assistant', text: `${exact}!` });
    await runtime.addToHistory(key, { role: 'system', text: '' });
    const [whole, cut, empty] = await runtime.getHistory(key, 3);
    expect(whole?.text).toBe(exact);
    expect(cut?.text).toBe(`${'e'.repeat(37)} … [28 more characters cut]`);
    expect(cut?.text).toHaveLength(64);
    expect(empty?.text).toBe('');
  });

  it('should never split a surrogate pair where it cuts', () => {
    for (let offset = 0; offset < 4; offset += 1) {
      const text = `${'a'.repeat(offset)}${'😀'.repeat(200)}`;
      const cut = cutHistoryText(text, 64);
      expect(cut.length).toBeLessThanOrEqual(64);
      expect(cut).not.toMatch(loneSurrogate);
      const head = cut.slice(0, cut.indexOf(' … ['));
      expect(text.startsWith(head)).toBe(true);
      const removed = Number(/\[(\d+) more characters cut\]$/.exec(cut)?.[1]);
      expect(head.length + removed).toBe(text.length);
    }
    expect(cutHistoryText('short', 64)).toBe('short');
  });
});

describe('history metadata', () => {
  /** A session with one message in its history, and what the store holds of it. */
  async function withHistory() {
    const clock = createClock();
    const store = createMemoryStore({ now: clock.now });
    const { runtime } = createTestRuntime({ store, clock });
    await runtime.getOrCreateSession(key);
    await runtime.addToHistory(key, { role: 'user', text: 'before', metadata: { ok: true } });
    const stored = await store.get(storageKey);
    return { runtime, store, clock, stored };
  }

  const cyclic: Record<string, unknown> = { name: 'loop', inner: { list: [] as unknown[] } };
  ((cyclic.inner as { list: unknown[] }).list as unknown[]).push(cyclic);
  const deep: Record<string, unknown> = {};
  let level = deep;
  for (let i = 0; i < maxMetadataDepth + 5; i += 1) {
    const next: Record<string, unknown> = {};
    level.d = next;
    level = next;
  }
  const { proxy: revoked, revoke } = Proxy.revocable({}, {});
  revoke();
  const holey: unknown[] = [1];
  holey[2] = 3;
  class Point {
    x = 1;
  }

  it.each<[string, unknown, string]>([
    ['a bigint', { price: 10n }, 'metadata.price is a bigint'],
    ['a function', { onReply: () => 1 }, 'metadata.onReply is a function'],
    ['a symbol', { tag: Symbol('t') }, 'metadata.tag is a symbol'],
    ['a cycle', cyclic, 'metadata.inner.list[0] refers back to metadata (a cycle)'],
    ['NaN', { score: { value: Number.NaN } }, 'metadata.score.value is NaN'],
    ['Infinity', { score: Number.POSITIVE_INFINITY }, 'metadata.score is Infinity'],
    ['a Date', { at: new Date(0) }, 'metadata.at is an instance of Date'],
    ['a Map', { seen: new Map() }, 'metadata.seen is an instance of Map'],
    ['a class instance', { where: [new Point()] }, 'metadata.where[0] is an instance of Point'],
    ['bytes', { raw: new Uint8Array(2) }, 'metadata.raw is an instance of Uint8Array'],
    ['undefined in an array', { ids: [1, undefined] }, 'metadata.ids[1] is undefined'],
    ['an empty slot', { ids: holey }, 'metadata.ids[1] is undefined'],
    ['a symbol key', { [Symbol('k')]: 1 }, 'metadata has a symbol key'],
    [
      'a throwing getter',
      {
        get secret() {
          throw new Error('no access');
        },
      },
      'metadata.secret cannot be read (no access)',
    ],
    ['a revoked proxy', { p: revoked }, 'metadata.p'],
    ['an odd key', { 'a b': { 'x.y': 1n } }, 'metadata["a b"]["x.y"] is a bigint'],
    ['too deep nesting', deep, `is nested deeper than ${maxMetadataDepth} levels`],
    ['an array', [1, 2], 'metadata is an array, not an object'],
    ['a string', 'note', 'metadata is a string, not an object'],
    ['null', null, 'metadata is null, not an object'],
    ['a bigint', 5n, 'metadata is a bigint, not an object'],
    ['a Date', new Date(0), 'metadata is an instance of Date;'],
  ])(
    'should refuse %s with a TypeError naming where, and write nothing',
    async (_, metadata, where) => {
      const { runtime, store, stored } = await withHistory();
      const error = await runtime
        .addToHistory(key, { role: 'user', text: 'after', metadata } as never)
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(TypeError);
      const message = (error as Error).message;
      expect(message).toContain(where);
      expect(message).toContain(
        'metadata must be JSON: a plain object of strings, finite numbers, booleans, null, arrays and plain objects',
      );
      expect(message.length).toBeLessThan(500);
      expect(await store.get(storageKey)).toEqual(stored);
      expect((await runtime.getHistory(key, 10)).map((m) => m.text)).toEqual(['before']);
    },
  );

  it('should keep JSON metadata as a copy, leave out undefined properties, keep odd keys as data, and read it back from the store', async () => {
    const { runtime, store, clock } = await withHistory();
    const metadata = JSON.parse(
      '{"__proto__":{"polluted":true},"constructor":"c","nested":{"list":[1,"two",null,false,{"x":-0.5}]}}',
    ) as Record<string, unknown>;
    metadata.optional = undefined;
    const shared = { same: 1 };
    metadata.twice = [shared, shared];
    await runtime.addToHistory(key, { role: 'assistant', text: 'meta', metadata });
    shared.same = 2; // a later change to the caller's object changes nothing kept
    const expected = {
      constructor: 'c',
      nested: { list: [1, 'two', null, false, { x: -0.5 }] },
      twice: [{ same: 1 }, { same: 1 }],
    };
    const check = (read: Record<string, unknown> | undefined) => {
      expect(read).toMatchObject(expected);
      expect(Object.hasOwn(read ?? {}, '__proto__')).toBe(true);
      expect(Object.getPrototypeOf(read)).toBe(Object.prototype);
      expect(Object.hasOwn(read ?? {}, 'optional')).toBe(false);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    };
    check((await runtime.getHistory(key, 1))[0]?.metadata);
    const again = createTestRuntime({ store, clock }).runtime;
    const view = await again.getOrCreateSession(key);
    expect(view).not.toHaveProperty('reset');
    check((await again.getHistory(key, 1))[0]?.metadata);
  });
});
