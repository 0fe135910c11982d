import { workflows } from '@chatflow/machines';
import {
  createRuntime,
  normalizeSessionKey,
  type Runtime,
  type SessionKey,
  sessionStorageKey,
} from '@chatflow/runtime';
import { tableFromArrays } from 'apache-arrow';
import fc from 'fast-check';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Bystanders, createBystanders, storedSnapshot } from '../src/bystanders.ts';
import { backendNames, type OpenBackend, openBackend } from '../src/openBackend.ts';
import { watchPrototypes } from '../src/prototypeGuard.ts';
import { seedFromEnv } from '../src/seededRandom.ts';

const seed = seedFromEnv('CHATFLOW_IDS_SEED');
const runs = Number(process.env.CHATFLOW_IDS_RUNS ?? 150);
const tenKb = 10 * 1024;

/** Pairs of keys that a careless key scheme would mix up. */
const lookAlikes: [SessionKey, SessionKey][] = [
  [
    { userId: '1', conversationId: '2:3' },
    { userId: '1:2', conversationId: '3' },
  ],
  [
    { userId: 'a{b', conversationId: '}' },
    { userId: 'a', conversationId: '{b}' },
  ],
  [
    { userId: 'u}:s:x', conversationId: 'c' },
    { userId: 'u', conversationId: 'x' },
  ],
  [
    { userId: '%3A', conversationId: 'c' },
    { userId: ':', conversationId: 'c' },
  ],
  [
    { userId: 'x/y', conversationId: 'z' },
    { userId: 'x', conversationId: 'y/z' },
  ],
  [
    { userId: '\uD800', conversationId: 'c' },
    { userId: '%uD800', conversationId: 'c' },
  ],
  [
    { userId: 'caf\u00e9', conversationId: 'c' },
    { userId: 'cafe\u0301', conversationId: 'c' },
  ],
  [
    { userId: '__proto__', conversationId: 'constructor' },
    { userId: 'constructor', conversationId: '__proto__' },
  ],
  [
    { userId: 'u'.repeat(tenKb), conversationId: 'c' },
    { userId: 'u'.repeat(tenKb - 1), conversationId: 'uc' },
  ],
  [
    { userId: 'idx', conversationId: 'c' },
    { userId: 'i', conversationId: 'dx' },
  ],
  [
    { userId: 42, conversationId: 'q:c:t' },
    { userId: '42', conversationId: 'q' },
  ],
];

const separators = [':', '{', '}', '/', '%', '%3A', '*', '?', '[', ']', '\\', ' ', '\n', '\0'];
const idArbitrary = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'grapheme', maxLength: 8 }),
  fc.string({ unit: 'binary', maxLength: 8 }),
  fc
    .array(fc.oneof(fc.constantFrom(...separators), fc.string({ maxLength: 3 })), { maxLength: 8 })
    .map((parts) => parts.join('')),
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'idx', 's', 'd', 'q'),
  fc
    .tuple(fc.constantFrom('a', '🙂', ':', '%'), fc.integer({ min: tenKb - 4, max: tenKb }))
    .map(([unit, length]) => unit.repeat(Math.ceil(length / unit.length))),
);
const keyArbitrary = fc.record({
  userId: fc.oneof(idArbitrary, fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true })),
  conversationId: idArbitrary,
});

/**
 * Two sessions stay apart: what is done to the first never shows in the second, as the
 * runtime holds it and as the store holds it (read through a runtime made by `open`,
 * which holds nothing live).
 */
async function expectApart(
  runtime: Runtime,
  first: SessionKey,
  second: SessionKey,
  open: () => Runtime,
) {
  const a = await runtime.getOrCreateSession(first);
  const b = await runtime.getOrCreateSession(second);
  expect(a.sessionId).not.toBe(b.sessionId);
  expect(a.userId).toBe(String(first.userId));
  expect(a.conversationId).toBe(first.conversationId);
  expect(b.userId).toBe(String(second.userId));
  expect(b.conversationId).toBe(second.conversationId);
  await runtime.startWorkflow(first, 'ml_training');
  await runtime.addToHistory(first, { role: 'user', text: 'only for the first' });
  await runtime.storeData(
    first,
    tableFromArrays({ a: Float64Array.from([1]), b: Float64Array.from([2]) }),
  );
  const after = await runtime.getSession(second);
  expect(after?.sessionId).toBe(b.sessionId);
  expect(after?.workflow).toBeNull();
  expect(after?.dataset).toBeNull();
  expect(await runtime.getHistory(second)).toEqual([]);
  expect(await runtime.getData(second)).toBeUndefined();
  expect((await runtime.getSession(first))?.workflow?.type).toBe('ml_training');
  const reader = open();
  try {
    const stored = await reader.getSession(second);
    expect(stored?.sessionId).toBe(b.sessionId);
    expect(stored?.workflow).toBeNull();
    expect(stored?.dataset).toBeNull();
    expect(await reader.getHistory(second)).toEqual([]);
    expect(await reader.getData(second)).toBeUndefined();
    expect((await reader.getSession(first))?.workflow?.type).toBe('ml_training');
  } finally {
    await reader.shutdown();
  }
}

describe.each(backendNames)('hostile ids on %s', (name) => {
  let backend: OpenBackend;
  let runtime: Runtime;
  let bystanders: Bystanders;
  let before: string;

  beforeAll(async () => {
    backend = await openBackend(name);
    runtime = createRuntime({ workflows, store: backend.store, logger: pino({ level: 'silent' }) });
    bystanders = await createBystanders(runtime, `ids-${name}`);
    before = await bystanders.snapshot();
  });
  /** A runtime on the same store that holds no session live, as after a restart. */
  const fresh = () =>
    createRuntime({ workflows, store: backend.store, logger: pino({ level: 'silent' }) });
  afterAll(async () => {
    // The runtime answers from the sessions it holds live: the store is read afresh too.
    expect(await storedSnapshot(bystanders, fresh)).toBe(before);
    await runtime.shutdown();
    await backend.close();
  });

  it.each(lookAlikes.map((pair, i) => [i, ...pair] as const))(
    'should keep look-alike sessions apart (pair %i)',
    async (_, first, second) => {
      const changes = watchPrototypes();
      expect(sessionStorageKey(normalizeSessionKey(first))).not.toBe(
        sessionStorageKey(normalizeSessionKey(second)),
      );
      await expectApart(runtime, first, second, fresh);
      expect(changes()).toEqual([]);
      expect(await bystanders.snapshot()).toBe(before);
    },
  );

  it('should treat user 42 and user "42" as one user, and nothing else as them', async () => {
    const numeric = await runtime.getOrCreateSession({ userId: 42, conversationId: 'same' });
    const text = await runtime.getOrCreateSession({ userId: '42', conversationId: 'same' });
    expect(text.sessionId).toBe(numeric.sessionId);
    const other = await runtime.getOrCreateSession({ userId: '042', conversationId: 'same' });
    expect(other.sessionId).not.toBe(numeric.sessionId);
  });

  it('should keep any two generated sessions apart, with separators, unicode and 10 KB ids', async () => {
    let pairs = 0;
    await fc.assert(
      fc.asyncProperty(keyArbitrary, keyArbitrary, async (first, second) => {
        const a = normalizeSessionKey(first);
        const b = normalizeSessionKey(second);
        fc.pre(a.userId !== b.userId || a.conversationId !== b.conversationId);
        // A fresh pair each run: the first session is wiped first if a run reused it.
        for (const key of [first, second]) {
          if ((await runtime.getSession(key)) !== undefined) await runtime.deleteSession(key);
        }
        await expectApart(runtime, first, second, fresh);
        pairs += 1;
      }),
      { seed, numRuns: runs },
    );
    expect(await bystanders.snapshot()).toBe(before);
    console.log(`${name}: id pairs tried`, pairs, 'collisions: 0');
  });
});
