import { exampleDataset, workflows } from '@chatflow/machines';
import {
  createRuntime,
  DataTooLargeError,
  type Runtime,
  type SessionKey,
  type StepResult,
  UnknownWorkflowError,
} from '@chatflow/runtime';
import { tableFromArrays } from 'apache-arrow';
import fc from 'fast-check';
import { pino } from 'pino';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Bystanders, createBystanders, storedSnapshot } from '../src/bystanders.ts';
import { backendNames, type OpenBackend, openBackend } from '../src/openBackend.ts';
import { watchPrototypes } from '../src/prototypeGuard.ts';
import { seedFromEnv } from '../src/seededRandom.ts';

const seed = seedFromEnv('CHATFLOW_HOSTILE_SEED');
const runs = Number(process.env.CHATFLOW_HOSTILE_RUNS ?? 300);
const megabyte = 'x'.repeat(2 ** 20);
const refusalCodes = ['INVALID_EVENT', 'PREREQUISITE_NOT_MET', 'NO_ACTIVE_WORKFLOW'];

/** Every user event type the catalogue knows, and the runtime's own that must not be spoofed. */
const knownTypes = [
  ...new Set(Object.values(workflows).flatMap((definition) => Object.keys(definition.events))),
  'back',
  'cancel',
  'xstate.init',
  'xstate.stop',
  'xstate.done.actor.training',
  'xstate.error.actor.training',
  '*',
  '',
];
const hostileKeys = ['__proto__', 'constructor', 'prototype', 'type', 'toString', 'valueOf'];

/** A step result, checked: a success, or a refusal with a known code and a bounded message. */
function expectStepResult(result: StepResult): void {
  expect(typeof result.ok).toBe('boolean');
  if (!result.ok) {
    expect(refusalCodes).toContain(result.code);
    expect(typeof result.message).toBe('string');
    expect(result.message.length).toBeGreaterThan(0);
    expect(result.message.length).toBeLessThan(4000);
  }
  expect(() => JSON.stringify(result)).not.toThrow();
}

describe.each(backendNames)('hostile events and calls on %s', (name) => {
  let backend: OpenBackend;
  let runtime: Runtime;
  let bystanders: Bystanders;
  let before: string;
  const target: SessionKey = { userId: 'target', conversationId: 'chat' };

  /** Puts the target session back at `selecting_target` of ML training. */
  async function resetTarget(): Promise<void> {
    await runtime.getOrCreateSession(target);
    await runtime.startWorkflow(target, 'ml_training');
    await runtime.send(target, { type: 'data.uploaded', dataset: exampleDataset() });
  }

  const logLines: string[] = [];
  let refusedEvents = 0;
  let longEventTypes = 0;

  beforeAll(async () => {
    backend = await openBackend(name);
    runtime = createRuntime({
      workflows,
      store: backend.store,
      config: { maxDataSizeMb: 1 },
      logger: pino({ level: 'info' }, { write: (line: string) => logLines.push(line) }),
    });
    runtime.on('step.refused', (event) => {
      refusedEvents += 1;
      if (event.eventType !== null && event.eventType.length > 60) longEventTypes += 1;
    });
    bystanders = await createBystanders(runtime, name);
    before = await bystanders.snapshot();
  });
  beforeEach(resetTarget);
  afterAll(async () => {
    expect(await bystanders.snapshot()).toBe(before);
    // The runtime answers from the sessions it holds live: the store is read afresh too.
    expect(
      await storedSnapshot(bystanders, () =>
        createRuntime({ workflows, store: backend.store, logger: pino({ level: 'silent' }) }),
      ),
    ).toBe(before);
    // Refusals are announced and audited by type and code, never with their payload.
    expect(refusedEvents).toBeGreaterThan(0);
    expect(longEventTypes).toBe(0);
    for (const line of logLines) {
      expect(line.length).toBeLessThan(4000);
      expect(line).not.toContain('xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx');
      expect(line).not.toContain('polluted');
    }
    await runtime.shutdown();
    await backend.close();
  });

  it.each<[string, () => unknown, string]>([
    ['null', () => null, 'INVALID_EVENT'],
    ['a number', () => 42, 'INVALID_EVENT'],
    ['a bare string', () => 'target.selected', 'INVALID_EVENT'],
    ['an array', () => [{ type: 'target.selected', column: 'price' }], 'INVALID_EVENT'],
    ['a numeric type', () => ({ type: 42 }), 'INVALID_EVENT'],
    ['an unknown type', () => ({ type: 'launch.missiles' }), 'INVALID_EVENT'],
    [
      'a type of another step',
      () => ({ type: 'model.confirmed', modelType: 'x' }),
      'INVALID_EVENT',
    ],
    [
      'a spoofed internal event',
      () => ({ type: 'xstate.done.actor.training', output: {} }),
      'INVALID_EVENT',
    ],
    ['a missing payload', () => ({ type: 'target.selected' }), 'INVALID_EVENT'],
    ['a wrongly typed payload', () => ({ type: 'target.selected', column: 42 }), 'INVALID_EVENT'],
    [
      'a payload of the wrong shape',
      () => ({ type: 'target.selected', column: ['price'] }),
      'INVALID_EVENT',
    ],
    ['a 1 MB payload', () => ({ type: 'target.selected', column: megabyte }), 'INVALID_EVENT'],
    ['a 1 MB type', () => ({ type: megabyte }), 'INVALID_EVENT'],
    [
      'a column that does not exist',
      () => ({ type: 'target.selected', column: 'nope' }),
      'PREREQUISITE_NOT_MET',
    ],
    [
      'a __proto__ column',
      () => ({ type: 'target.selected', column: '__proto__' }),
      'PREREQUISITE_NOT_MET',
    ],
    [
      'a constructor column',
      () => ({ type: 'target.selected', column: 'constructor' }),
      'PREREQUISITE_NOT_MET',
    ],
  ])('should refuse %s with a clear message and change nothing', async (_, make, code) => {
    const view = await runtime.getSession(target);
    const result = await runtime.send(target, make());
    expectStepResult(result);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.code).toBe(code);
      expect(result.state).toBe('selecting_target');
      // The message never echoes a huge input back.
      expect(result.message.length).toBeLessThan(1000);
    }
    expect(await runtime.getSession(target)).toEqual(view);
  });

  it('should take __proto__ and constructor payloads as data, polluting nothing', async () => {
    const changes = watchPrototypes();
    const polluting = [
      '{"type":"target.selected","column":"price","__proto__":{"polluted":true}}',
      '{"type":"target.selected","column":"price","constructor":{"prototype":{"polluted":true}}}',
      '{"type":"features.selected","columns":["rooms"],"__proto__":{"isAdmin":true}}',
      '{"__proto__":{"type":"target.selected","column":"price"}}',
    ];
    for (const text of polluting) {
      const result = await runtime.send(target, JSON.parse(text));
      expectStepResult(result);
      expect(JSON.stringify(result.ok ? result.context : {})).not.toContain('polluted');
    }
    expect((await runtime.getSession(target))?.workflow?.state).toBe('confirming_model');
    expect(changes()).toEqual([]);
  });

  it('should answer events that are cyclic, throw from getters or are proxies, and stay up', async () => {
    const cyclic: Record<string, unknown> = { type: 'target.selected', column: 'price' };
    cyclic.self = cyclic;
    const throwing = { type: 'target.selected' };
    Object.defineProperty(throwing, 'column', {
      enumerable: true,
      get() {
        throw new Error('a getter that throws');
      },
    });
    const proxy = new Proxy(
      {},
      {
        get() {
          throw new Error('a proxy that throws');
        },
      },
    );
    for (const event of [cyclic, throwing, proxy]) {
      // A step result, never an exception, whatever reading the event does.
      expectStepResult(await runtime.send(target, event));
      expect(await runtime.getSession(target)).toBeDefined();
    }
    // Still serving.
    await resetTarget();
    expect((await runtime.send(target, { type: 'target.selected', column: 'price' })).ok).toBe(
      true,
    );
  });

  it('should answer any generated event with a step result, touching no other session and polluting nothing', async () => {
    const changes = watchPrototypes();
    const value = fc.anything({
      maxDepth: 3,
      withBigInt: true,
      withDate: true,
      withMap: true,
      withSet: true,
      withNullPrototype: true,
      withTypedArray: true,
      withSparseArray: true,
      key: fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom(...hostileKeys)),
    });
    const type = fc.oneof(
      fc.constantFrom(...knownTypes),
      fc.string({ maxLength: 40 }),
      fc.string({ unit: 'grapheme', maxLength: 20 }),
    );
    const payloadField = fc.oneof(
      fc.constantFrom(
        'column',
        'columns',
        'dataset',
        'modelType',
        'modelId',
        'command',
        ...hostileKeys,
      ),
      fc.string({ maxLength: 10 }),
    );
    const payloadValue = fc.oneof(
      value,
      fc.constantFrom('price', 'rooms', 'area', 'city', 'linear_regression', '__proto__'),
      fc.array(fc.constantFrom('price', 'rooms', 'area', 'city', '__proto__'), { maxLength: 4 }),
      fc.constant(exampleDataset()),
    );
    const eventObject = fc
      .tuple(type, fc.dictionary(payloadField, payloadValue, { maxKeys: 4 }))
      .map(([eventType, payload]) => ({ ...payload, type: eventType }));
    const viaJson = eventObject.map((event) => {
      try {
        return JSON.parse(JSON.stringify(event)) as unknown;
      } catch {
        return event;
      }
    });
    // Events of the training steps with payloads near what they take: refusals by guards.
    const plausible = fc.record(
      {
        type: fc.constantFrom('target.selected', 'features.selected', 'model.confirmed', 'back'),
        column: payloadValue,
        columns: payloadValue,
        modelType: fc.oneof(payloadValue, fc.constantFrom('logistic_regression', 'nope')),
      },
      { requiredKeys: ['type'] },
    );
    const outcomes = new Map<string, number>();
    const refusedBefore = refusedEvents;
    await fc.assert(
      fc.asyncProperty(fc.oneof(value, eventObject, viaJson, plausible), async (event) => {
        const view = await runtime.getSession(target);
        if (view?.workflow === null || view?.workflow?.done === true) await resetTarget();
        const result = await runtime.send(target, event);
        expectStepResult(result);
        const kind = result.ok ? 'accepted' : result.code;
        outcomes.set(kind, (outcomes.get(kind) ?? 0) + 1);
        expect(changes()).toEqual([]);
      }),
      { seed, numRuns: runs },
    );
    expect(await bystanders.snapshot()).toBe(before);
    // Every refusal of a session's step was announced as a step.refused event.
    const refused = runs - (outcomes.get('accepted') ?? 0);
    expect(refusedEvents - refusedBefore).toBe(refused);
    console.log(`${name}: events tried`, runs, JSON.stringify(Object.fromEntries(outcomes)));
  });

  it('should refuse hostile workflow names, data and history with clear errors', async () => {
    const changes = watchPrototypes();
    for (const workflow of ['__proto__', 'constructor', 'toString', '', megabyte]) {
      const error = await runtime.startWorkflow(target, workflow).catch((caught) => caught);
      expect(error).toBeInstanceOf(UnknownWorkflowError);
      expect((error as Error).message.length).toBeLessThan(1000);
    }
    for (const notATable of [null, {}, { numRows: 1, schema: {} }, 'a,b\n1,2', new Uint8Array(8)]) {
      await expect(runtime.storeData(target, notATable as never)).rejects.toBeInstanceOf(TypeError);
    }
    const big = tableFromArrays({ a: new Float64Array(200_000), b: new Float64Array(200_000) });
    const tooLarge = await runtime.storeData(target, big).catch((caught) => caught);
    expect(tooLarge).toBeInstanceOf(DataTooLargeError);
    expect((tooLarge as Error).message).toMatch(/MB/);
    for (const message of [
      null,
      { role: 'admin', text: 'x' },
      { role: 'user', text: 42 },
      { role: 'user', text: 'x', metadata: 'not an object' },
    ]) {
      await expect(runtime.addToHistory(target, message as never)).rejects.toBeInstanceOf(
        TypeError,
      );
    }
    await runtime.addToHistory(
      target,
      JSON.parse('{"role":"user","text":"hi","metadata":{"__proto__":{"polluted":true}}}'),
    );
    for (const n of [-1, 0, Number.NaN, 1e9, Number.POSITIVE_INFINITY]) {
      const history = await runtime.getHistory(target, n);
      expect(Array.isArray(history)).toBe(true);
    }
    expect(changes()).toEqual([]);
    expect(await bystanders.snapshot()).toBe(before);
  });

  it('should refuse session keys that are not { userId, conversationId } with a TypeError', async () => {
    for (const key of [
      null,
      'user:1',
      {},
      { userId: 1 },
      { userId: Number.NaN, conversationId: 'c' },
      { userId: Number.POSITIVE_INFINITY, conversationId: 'c' },
      { userId: {}, conversationId: 'c' },
      { userId: 1, conversationId: 2 },
      { userId: 1n, conversationId: 'c' },
    ]) {
      await expect(runtime.getOrCreateSession(key as never)).rejects.toBeInstanceOf(TypeError);
      await expect(runtime.send(key as never, { type: 'back' })).rejects.toBeInstanceOf(TypeError);
    }
  });
});
