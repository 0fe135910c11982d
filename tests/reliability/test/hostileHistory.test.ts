import { workflows } from '@chatflow/machines';
import {
  createRuntime,
  normalizeSessionKey,
  type Runtime,
  type SessionKey,
  sessionStorageKey,
  sessionStoreSymbol,
} from '@chatflow/runtime';
import fc from 'fast-check';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Bystanders, createBystanders, storedSnapshot } from '../src/bystanders.ts';
import { backendNames, type OpenBackend, openBackend } from '../src/openBackend.ts';
import { watchPrototypes } from '../src/prototypeGuard.ts';
import { seedFromEnv } from '../src/seededRandom.ts';

const seed = seedFromEnv('CHATFLOW_HISTORY_SEED');
const runs = Number(process.env.CHATFLOW_HOSTILE_RUNS ?? 300);
/** 1,048,576 characters, each position telling where it was. */
const megabyteText = Array.from({ length: 2 ** 16 }, (_, i) =>
  i.toString(16).padStart(16, '.'),
).join('');
const accepted =
  'metadata must be JSON: a plain object of strings, finite numbers, booleans, null, arrays and plain objects';
const hostileKeys = ['__proto__', 'constructor', 'prototype', 'toString', 'toJSON', 'then'];

/** A value whose JSON text cannot be made, or undefined when it can. */
function jsonTextOf(value: unknown): string | undefined {
  try {
    return JSON.stringify(value);
  } catch {
    return undefined;
  }
}

describe.each(backendNames)('hostile history on %s', (name) => {
  let backend: OpenBackend;
  let runtime: Runtime;
  let bystanders: Bystanders;
  let before: string;
  const target: SessionKey = { userId: 'history-target', conversationId: 'chat' };
  const storageKey = sessionStorageKey(normalizeSessionKey(target));
  const logger = pino({ level: 'silent' });

  const stored = () => backend.store[sessionStoreSymbol].get(storageKey);

  beforeAll(async () => {
    backend = await openBackend(name);
    runtime = createRuntime({ workflows, store: backend.store, logger });
    bystanders = await createBystanders(runtime, `history-${name}`);
    before = await bystanders.snapshot();
    await runtime.getOrCreateSession(target);
    await runtime.startWorkflow(target, 'ml_training');
  });
  afterAll(async () => {
    expect(await bystanders.snapshot()).toBe(before);
    // The runtime answers from the sessions it holds live: the store is read afresh too.
    expect(
      await storedSnapshot(bystanders, () =>
        createRuntime({ workflows, store: backend.store, logger }),
      ),
    ).toBe(before);
    await runtime.shutdown();
    await backend.close();
  });

  it('should keep a 1 MB text cut to 4,096 characters with a visible mark, and the stored record small', async () => {
    const sizeBefore = (await stored())?.value.length ?? 0;
    await runtime.addToHistory(target, { role: 'user', text: megabyteText });
    const record = await stored();
    const growth = (record?.value.length ?? 0) - sizeBefore;
    // The text and its JSON escaping (none here) plus the entry's other fields.
    expect(growth).toBeGreaterThan(4096);
    expect(growth).toBeLessThan(4096 + 200);
    // Read back by another runtime, from the backend.
    const reader = createRuntime({ workflows, store: backend.store, logger });
    const [message] = await reader.getHistory(target, 1);
    await reader.shutdown();
    expect(message?.text).toBe(`${megabyteText.slice(0, 4064)} … [1044512 more characters cut]`);
    expect(message?.text).toHaveLength(4096);
    console.log(
      `${name}: 1 MB history text`,
      JSON.stringify({ storedCharacters: message?.text.length, recordGrowth: growth }),
    );
  });

  it('should refuse metadata that is not JSON with a TypeError naming where, writing nothing', async () => {
    const changes = watchPrototypes();
    const cyclic: Record<string, unknown> = { a: { b: [] as unknown[] } };
    ((cyclic.a as { b: unknown[] }).b as unknown[]).push(cyclic.a);
    const cases: [unknown, string][] = [
      [{ price: 10n }, 'metadata.price is a bigint'],
      [{ user: { id: 2n ** 70n } }, 'metadata.user.id is a bigint'],
      [{ reply: () => 'hi' }, 'metadata.reply is a function'],
      [{ tag: Symbol('x') }, 'metadata.tag is a symbol'],
      [cyclic, 'metadata.a.b[0] refers back to metadata.a (a cycle)'],
      [{ when: new Date(0) }, 'metadata.when is an instance of Date'],
      [{ score: Number.NaN }, 'metadata.score is NaN'],
      [[{ ok: true }], 'metadata is an array, not an object'],
    ];
    for (const [metadata, where] of cases) {
      const record = await stored();
      const error = await runtime
        .addToHistory(target, { role: 'user', text: 'x', metadata } as never)
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(TypeError);
      expect((error as Error).message).toContain(where);
      expect((error as Error).message).toContain(accepted);
      expect(await stored()).toEqual(record);
    }
    expect(changes()).toEqual([]);
    expect(await bystanders.snapshot()).toBe(before);
  });

  it('should keep generated JSON metadata as JSON and refuse anything else with a clear TypeError, writing nothing', async () => {
    const changes = watchPrototypes();
    const key = fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom(...hostileKeys));
    const anything = fc.anything({
      maxDepth: 3,
      key,
      withBigInt: true,
      withDate: true,
      withMap: true,
      withSet: true,
      withNullPrototype: true,
      withTypedArray: true,
      withSparseArray: true,
      withBoxedValues: true,
      withObjectString: true,
    });
    const json = fc.jsonValue({ maxDepth: 3 });
    const metadata = fc.oneof(
      fc.dictionary(key, fc.oneof(anything, json), { maxKeys: 5 }),
      fc.dictionary(key, json, { maxKeys: 5 }),
      anything,
    );
    const outcomes = { kept: 0, refused: 0 };
    await fc.assert(
      fc.asyncProperty(metadata, async (value) => {
        const record = await stored();
        const outcome = await runtime
          .addToHistory(target, { role: 'assistant', text: 'generated', metadata: value } as never)
          .then(
            () => undefined,
            (error: unknown) => error,
          );
        if (outcome === undefined) {
          outcomes.kept += 1;
          // Kept only when it is JSON, and kept as its JSON; no metadata is none.
          const [last] = await runtime.getHistory(target, 1);
          if (value === undefined) {
            expect(last).not.toHaveProperty('metadata');
          } else {
            const text = jsonTextOf(value);
            expect(text).toBeDefined();
            expect(JSON.stringify(last?.metadata)).toBe(text);
          }
        } else {
          outcomes.refused += 1;
          expect(outcome).toBeInstanceOf(TypeError);
          const message = (outcome as Error).message;
          expect(message).toMatch(/^addToHistory: metadata/);
          expect(message).toContain(accepted);
          expect(message.length).toBeLessThan(600);
          expect(await stored()).toEqual(record);
        }
        expect(changes()).toEqual([]);
      }),
      { seed, numRuns: runs },
    );
    expect(outcomes.kept).toBeGreaterThan(0);
    expect(outcomes.refused).toBeGreaterThan(0);
    // What the backend holds reads back as the same history in another runtime.
    const reader = createRuntime({ workflows, store: backend.store, logger });
    const view = await reader.getOrCreateSession(target);
    expect(view).not.toHaveProperty('reset');
    expect(JSON.stringify(await reader.getHistory(target, 50))).toBe(
      JSON.stringify(await runtime.getHistory(target, 50)),
    );
    await reader.shutdown();
    expect(await bystanders.snapshot()).toBe(before);
    console.log(`${name}: generated metadata`, runs, JSON.stringify(outcomes));
  });
});
