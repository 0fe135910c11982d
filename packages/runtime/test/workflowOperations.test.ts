import { describe, expect, it } from 'vitest';
import {
  SessionNotFoundError,
  StoreUnavailableError,
  UnknownWorkflowError,
  WorkflowInterruptedError,
} from '../src/errors.ts';
import type { RuntimeEvent } from '../src/types.ts';
import { createGate, createTestRuntime, nextEvent, sampleTable } from './support/testRuntime.ts';
import { createTimingOutStore } from './support/timingOutStore.ts';

const key = { userId: 42, conversationId: 'chat-7' };

async function ready(options: Parameters<typeof createTestRuntime>[0] = {}) {
  const test = createTestRuntime(options);
  await test.runtime.getOrCreateSession(key);
  return test;
}

async function atFeatures(options: Parameters<typeof createTestRuntime>[0] = {}) {
  const test = await ready(options);
  await test.runtime.startWorkflow(key, 'fit');
  const dataset = await test.runtime.storeData(key, sampleTable(), { name: 'sample.arrow' });
  await test.runtime.send(key, { type: 'data.uploaded', dataset });
  await test.runtime.send(key, { type: 'target.selected', column: 'y' });
  return { ...test, dataset };
}

describe('startWorkflow', () => {
  it('should start at the initial step with the session models as input', async () => {
    const { runtime } = await ready();
    const started = await runtime.startWorkflow(key, 'fit');
    expect(started).toEqual({
      ok: true,
      workflow: 'fit',
      state: 'awaiting_data',
      prompt: 'Please upload your data.',
      done: false,
      context: expect.objectContaining({ dataset: null, models: 0 }),
    });
    expect((await runtime.getSession(key))?.workflow?.state).toBe('awaiting_data');
  });

  it('should refuse an unknown workflow type without touching the session', async () => {
    const { runtime } = await ready();
    const before = (await runtime.getSession(key))?.revision;
    const error = await runtime.startWorkflow(key, 'nope').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnknownWorkflowError);
    expect((error as UnknownWorkflowError).code).toBe('UNKNOWN_WORKFLOW');
    expect((error as Error).message).toContain('fit, counter');
    expect((await runtime.getSession(key))?.revision).toBe(before);
  });

  it('should throw SessionNotFoundError without a session', async () => {
    const { runtime } = createTestRuntime();
    await expect(runtime.startWorkflow(key, 'fit')).rejects.toBeInstanceOf(SessionNotFoundError);
  });

  it('should replace a running workflow and say so', async () => {
    const { runtime } = await ready();
    await runtime.startWorkflow(key, 'counter');
    await runtime.send(key, { type: 'add', amount: 3 });
    const cancelled = nextEvent(runtime, 'workflow.cancelled');
    const started = await runtime.startWorkflow(key, 'fit');
    expect(started).toMatchObject({ ok: true, workflow: 'fit', replaced: 'counter' });
    expect(await cancelled).toMatchObject({
      workflow: 'counter',
      state: 'counting',
      reason: 'replaced',
    });
    expect(await runtime.send(key, { type: 'add', amount: 1 })).toMatchObject({
      ok: false,
      code: 'INVALID_EVENT',
    });
  });

  it('should not report a finished workflow as replaced', async () => {
    const { runtime } = await ready();
    await runtime.startWorkflow(key, 'counter');
    await runtime.send(key, { type: 'add', amount: 3 });
    await runtime.send(key, { type: 'finish' });
    const started = await runtime.startWorkflow(key, 'counter');
    expect(started.ok && started.replaced).toBeUndefined();
    expect(started).toMatchObject({ ok: true, state: 'counting', context: { total: 0 } });
  });
});

describe('send', () => {
  it('should apply a step and return the new state, prompt and context', async () => {
    const { runtime } = await ready();
    await runtime.startWorkflow(key, 'counter');
    const before = (await runtime.getSession(key))?.revision ?? 0;
    const step = await runtime.send(key, { type: 'add', amount: 5 });
    expect(step).toEqual({
      ok: true,
      workflow: 'counter',
      state: 'counting',
      prompt: 'Send numbers to add.',
      done: false,
      context: { total: 5, steps: [5] },
    });
    expect((await runtime.getSession(key))?.revision).toBe(before + 1);
  });

  it('should answer NO_ACTIVE_WORKFLOW without a workflow', async () => {
    const { runtime } = await ready();
    expect(await runtime.send(key, { type: 'add', amount: 1 })).toEqual({
      ok: false,
      code: 'NO_ACTIVE_WORKFLOW',
      message: expect.stringContaining('fit, counter'),
      state: null,
    });
  });

  it('should answer INVALID_EVENT with the prompt and the accepted events for an unknown type', async () => {
    const { runtime } = await ready();
    await runtime.startWorkflow(key, 'fit');
    const step = await runtime.send(key, { type: 'target.selected', column: 'y' });
    expect(step).toMatchObject({ ok: false, code: 'INVALID_EVENT', state: 'awaiting_data' });
    const message = step.ok ? '' : step.message;
    expect(message).toContain('Please upload your data.');
    expect(message).toContain('data.uploaded, cancel');
    expect(message).not.toContain('xstate');
  });

  it('should never list XState internal events, even in a state that invokes work', async () => {
    const gate = createGate();
    const { runtime } = await ready({ trainerGate: gate.wait });
    await runtime.startWorkflow(key, 'fit');
    const dataset = await runtime.storeData(key, sampleTable());
    await runtime.send(key, { type: 'data.uploaded', dataset });
    await runtime.send(key, { type: 'target.selected', column: 'y' });
    const before = (await runtime.getSession(key))?.revision ?? 0;
    await runtime.send(key, { type: 'features.selected', columns: ['x'] });
    // Entering a state that invokes work is one write: the live actor matches it.
    expect((await runtime.getSession(key))?.revision).toBe(before + 1);
    const step = await runtime.send(key, { type: 'xstate.done.actor.training', output: {} });
    expect(step).toMatchObject({ ok: false, code: 'INVALID_EVENT', state: 'training' });
    expect(step.ok ? '' : step.message).toContain('This step accepts: cancel.');
    gate.open();
    await runtime.shutdown();
  });

  it('should answer INVALID_EVENT for a malformed payload and never pass it to the machine', async () => {
    const { runtime } = await ready();
    await runtime.startWorkflow(key, 'counter');
    const step = await runtime.send(key, { type: 'add', amount: 'five' });
    expect(step).toMatchObject({ ok: false, code: 'INVALID_EVENT', state: 'counting' });
    expect(step.ok ? '' : step.message).toContain('amount');
    expect(await runtime.send(key, null)).toMatchObject({ ok: false, code: 'INVALID_EVENT' });
    expect(await runtime.send(key, { kind: 'add' })).toMatchObject({
      ok: false,
      code: 'INVALID_EVENT',
    });
    expect((await runtime.getSession(key))?.workflow?.context).toEqual({ total: 0, steps: [] });
  });

  it('should give a payload-only schema the event without its type, strictly', async () => {
    const { runtime } = await atFeatures();
    const step = await runtime.send(key, {
      type: 'features.selected',
      columns: ['x', 'z'],
      extra: 'dropped',
    });
    expect(step).toMatchObject({ ok: false, code: 'INVALID_EVENT' });
    const accepted = await runtime.send(key, { type: 'features.selected', columns: ['x', 'z'] });
    expect(accepted).toMatchObject({ ok: true, state: 'training' });
  });

  it('should answer PREREQUISITE_NOT_MET with the definition refusal message', async () => {
    const { runtime } = await ready();
    await runtime.startWorkflow(key, 'fit');
    const empty = {
      id: 'd1',
      name: 'empty.csv',
      columns: [{ name: 'a', type: 'number' }],
      rowCount: 0,
    };
    expect(await runtime.send(key, { type: 'data.uploaded', dataset: empty })).toEqual({
      ok: false,
      code: 'PREREQUISITE_NOT_MET',
      message: 'Please upload data first: at least one row and two columns.',
      state: 'awaiting_data',
    });
    const dataset = await runtime.storeData(key, sampleTable());
    await runtime.send(key, { type: 'data.uploaded', dataset });
    expect(await runtime.send(key, { type: 'target.selected', column: 'label' })).toMatchObject({
      ok: false,
      code: 'PREREQUISITE_NOT_MET',
      message: '"label" is not a numeric column of the data set.',
    });
  });

  it('should name the refusing guard when the definition has no message for it', async () => {
    const { runtime } = await atFeatures();
    const step = await runtime.send(key, { type: 'features.selected', columns: ['y'] });
    expect(step).toMatchObject({
      ok: false,
      code: 'PREREQUISITE_NOT_MET',
      state: 'selecting_features',
    });
    expect(step.ok ? '' : step.message).toContain('areNumericFeatures');
  });

  it('should go back a step', async () => {
    const { runtime } = await atFeatures();
    expect(await runtime.send(key, { type: 'back' })).toMatchObject({
      ok: true,
      state: 'selecting_target',
      context: expect.objectContaining({ target: null }),
    });
  });

  it('should finish a workflow: no longer active, last state and context kept in the view', async () => {
    const { runtime } = await ready();
    await runtime.startWorkflow(key, 'counter');
    await runtime.send(key, { type: 'add', amount: 2 });
    const completed = nextEvent(runtime, 'workflow.completed');
    const done = await runtime.send(key, { type: 'finish' });
    expect(done).toMatchObject({
      ok: true,
      state: 'finished',
      done: true,
      prompt: 'Done counting.',
    });
    expect(await completed).toMatchObject({ source: 'user', output: { total: 2 } });
    expect(await runtime.send(key, { type: 'add', amount: 1 })).toMatchObject({
      ok: false,
      code: 'NO_ACTIVE_WORKFLOW',
    });
    expect((await runtime.getSession(key))?.workflow).toEqual({
      type: 'counter',
      state: 'finished',
      prompt: 'Done counting.',
      done: true,
      context: { total: 2, steps: [2] },
    });
  });

  it('should announce a cancel event reaching the final cancelled state as workflow.cancelled', async () => {
    const { runtime } = await ready();
    await runtime.startWorkflow(key, 'counter');
    const cancelled = nextEvent(runtime, 'workflow.cancelled');
    expect(await runtime.send(key, { type: 'cancel' })).toMatchObject({ ok: true, done: true });
    expect(await cancelled).toMatchObject({
      reason: 'event',
      state: 'counting',
      workflow: 'counter',
    });
  });

  it('should apply concurrent sends of one session exactly once, in arrival order', async () => {
    const { runtime } = await ready();
    await runtime.startWorkflow(key, 'counter');
    const before = (await runtime.getSession(key))?.revision ?? 0;
    const amounts = Array.from({ length: 50 }, (_, i) => i + 1);
    const results = await Promise.all(
      amounts.map((amount) => runtime.send(key, { type: 'add', amount })),
    );
    results.forEach((result, i) => {
      expect(result).toMatchObject({ ok: true, context: { steps: amounts.slice(0, i + 1) } });
    });
    const view = await runtime.getSession(key);
    expect(view?.workflow?.context).toEqual({ total: 1275, steps: amounts });
    expect(view?.revision).toBe(before + 50);
  });
});

describe('cancelWorkflow', () => {
  it('should cancel the running workflow and clear it', async () => {
    const { runtime } = await ready();
    await runtime.startWorkflow(key, 'counter');
    const events: RuntimeEvent[] = [];
    runtime.on('workflow.cancelled', (event) => events.push(event));
    expect(await runtime.cancelWorkflow(key)).toEqual({ cancelled: true, workflow: 'counter' });
    expect((await runtime.getSession(key))?.workflow).toBeNull();
    expect(events).toMatchObject([{ reason: 'cancelled', workflow: 'counter' }]);
    expect(await runtime.cancelWorkflow(key)).toEqual({ cancelled: false, workflow: null });
    expect(await runtime.send(key, { type: 'add', amount: 1 })).toMatchObject({
      code: 'NO_ACTIVE_WORKFLOW',
    });
  });

  it('should interrupt the events waiting for the cancelled workflow', async () => {
    const { runtime } = await ready();
    await runtime.startWorkflow(key, 'counter');
    const first = runtime.send(key, { type: 'add', amount: 1 });
    const waiting = runtime.send(key, { type: 'add', amount: 2 }).catch((e: unknown) => e);
    const cancel = runtime.cancelWorkflow(key);
    const after = runtime.send(key, { type: 'add', amount: 3 });
    const firstResult = await first.catch((e: unknown) => e);
    expect(await waiting).toBeInstanceOf(WorkflowInterruptedError);
    expect(await cancel).toEqual({ cancelled: true, workflow: 'counter' });
    expect(await after).toMatchObject({ ok: false, code: 'NO_ACTIVE_WORKFLOW' });
    // The first send was queued too when the cancel was called: it is interrupted as well.
    expect(firstResult).toBeInstanceOf(WorkflowInterruptedError);
  });

  it('should interrupt waiting events when a new workflow replaces the old one', async () => {
    const { runtime } = await ready();
    await runtime.startWorkflow(key, 'counter');
    const running = runtime.send(key, { type: 'add', amount: 1 });
    await Promise.resolve();
    const waiting = runtime.send(key, { type: 'add', amount: 2 }).catch((e: unknown) => e);
    const replaced = runtime.startWorkflow(key, 'counter');
    const forNew = runtime.send(key, { type: 'add', amount: 7 });
    await running.catch(() => undefined);
    expect(await waiting).toBeInstanceOf(WorkflowInterruptedError);
    expect(await replaced).toMatchObject({ ok: true, context: { total: 0 } });
    expect(await forNew).toMatchObject({ ok: true, context: { total: 7, steps: [7] } });
  });
});

describe('ML training with a real invoked trainer', () => {
  it('should fit a least-squares model on the stored table and append it to the models', async () => {
    const { runtime, trainer, dataset } = await atFeatures();
    const transitions: RuntimeEvent[] = [];
    runtime.on('workflow.transition', (event) => transitions.push(event));
    const completed = nextEvent(runtime, 'workflow.completed');
    const training = await runtime.send(key, { type: 'features.selected', columns: ['x', 'z'] });
    expect(training).toMatchObject({ ok: true, state: 'training', prompt: 'Training the model.' });
    const done = await completed;
    expect(done).toMatchObject({ source: 'internal', state: 'complete', workflow: 'fit' });
    expect(trainer.runs).toBe(1);
    const view = await runtime.getSession(key);
    expect(view?.workflow).toMatchObject({ state: 'complete', done: true });
    expect(view?.models).toHaveLength(1);
    const model = view!.models[0]!;
    expect(model).toMatchObject({
      modelType: 'linear_regression',
      target: 'y',
      features: ['x', 'z'],
      datasetId: dataset.id,
    });
    expect(model.metrics.r2).toBeCloseTo(1, 9);
    expect(model.metrics.rows).toBe(6);
    const coefficients = (view!.workflow!.context as { model: { coefficients: number[] } }).model
      .coefficients;
    expect(coefficients.map((c) => Math.round(c * 1e6) / 1e6)).toEqual([1, 2, 3]);
    expect(transitions.map((event) => [event.type, 'source' in event && event.source])).toEqual([
      ['workflow.transition', 'user'],
      ['workflow.transition', 'internal'],
    ]);
    // A second training appends a second model; the next workflow receives both.
    await runtime.startWorkflow(key, 'fit');
    const again = await runtime.storeData(key, sampleTable(9));
    await runtime.send(key, { type: 'data.uploaded', dataset: again });
    await runtime.send(key, { type: 'target.selected', column: 'y' });
    const second = nextEvent(runtime, 'workflow.completed');
    await runtime.send(key, { type: 'features.selected', columns: ['x'] });
    await second;
    const models = (await runtime.getSession(key))?.models ?? [];
    expect(models.map((m) => m.datasetId)).toEqual([dataset.id, again.id]);
    expect((await runtime.startWorkflow(key, 'fit')).ok && true).toBe(true);
    expect((await runtime.getSession(key))?.workflow?.context).toMatchObject({ models: 2 });
  });

  it('should keep the trainer error in context and return to the previous step', async () => {
    const { runtime } = await atFeatures();
    await runtime.clearData(key);
    const transition = new Promise<RuntimeEvent>((resolve) => {
      runtime.on('workflow.transition', (event) => {
        if (event.source === 'internal') resolve(event);
      });
    });
    await runtime.send(key, { type: 'features.selected', columns: ['x'] });
    expect(await transition).toMatchObject({ state: 'selecting_features', from: 'training' });
    const view = await runtime.getSession(key);
    expect(view?.workflow?.context).toMatchObject({ error: 'No data to train on.' });
    expect(view?.models).toEqual([]);
  });
});

describe('step.refused', () => {
  it('should announce each refused step with its code, state and event type, never its payload', async () => {
    const { runtime, logLines } = await ready();
    const refused: RuntimeEvent[] = [];
    runtime.on('step.refused', (event) => refused.push(event));
    await runtime.send(key, { type: 'add', amount: 1 });
    await runtime.startWorkflow(key, 'counter');
    await runtime.send(key, { type: 'add', amount: -4, secret: 'PAYLOAD' });
    await runtime.send(key, { type: 'target.selected', column: 'PAYLOAD' });
    await runtime.send(key, 'not an event');
    await runtime.send(key, { type: 'z'.repeat(10_000) });
    await runtime.send(key, { type: 'add', amount: 4 });
    expect(refused.map((event) => ('code' in event ? [event.code, event.state] : []))).toEqual([
      ['NO_ACTIVE_WORKFLOW', null],
      ['PREREQUISITE_NOT_MET', 'counting'],
      ['INVALID_EVENT', 'counting'],
      ['INVALID_EVENT', 'counting'],
      ['INVALID_EVENT', 'counting'],
    ]);
    expect(refused[0]).toMatchObject({
      type: 'step.refused',
      key: { userId: '42', conversationId: 'chat-7' },
      workflow: null,
      eventType: 'add',
    });
    expect(refused[1]).toMatchObject({ workflow: 'counter', eventType: 'add' });
    expect(refused[3]).toMatchObject({ eventType: null });
    expect(refused[4]).toMatchObject({ eventType: 'z'.repeat(60) });
    expect(JSON.stringify(refused)).not.toContain('PAYLOAD');
    const audit = logLines.filter((line) => line.event === 'step.refused');
    expect(audit).toHaveLength(5);
    expect(audit[1]).toMatchObject({ code: 'PREREQUISITE_NOT_MET', state: 'counting' });
    expect(JSON.stringify(logLines)).not.toContain('PAYLOAD');
    expect(JSON.stringify(logLines)).not.toContain('z'.repeat(61));
  });
});

describe('steps with a message id', () => {
  it('should not apply again a message whose write timed out but went through', async () => {
    const { store, control } = createTimingOutStore();
    const { runtime } = await ready({ store });
    await runtime.startWorkflow(key, 'counter');
    control.applyThenFail = true;
    await expect(
      runtime.send(key, { type: 'add', amount: 5 }, { messageId: 1001 }),
    ).rejects.toBeInstanceOf(StoreUnavailableError);
    // The caller retries the same message: it was applied once, and is not applied again.
    expect(await runtime.send(key, { type: 'add', amount: 5 }, { messageId: 1001 })).toEqual({
      ok: true,
      workflow: 'counter',
      state: 'counting',
      prompt: 'Send numbers to add.',
      done: false,
      context: { total: 5, steps: [5] },
      duplicate: true,
    });
    expect(
      await runtime.send(key, { type: 'add', amount: 5 }, { messageId: '1001' }),
    ).toMatchObject({ duplicate: true, context: { total: 5 } });
    expect(await runtime.send(key, { type: 'add', amount: 2 }, { messageId: 1002 })).toEqual(
      expect.not.objectContaining({ duplicate: true }),
    );
    expect((await runtime.getSession(key))?.workflow?.context).toEqual({
      total: 7,
      steps: [5, 2],
    });
  });

  it('should apply a retried message twice without an id (what the id prevents)', async () => {
    const { store, control } = createTimingOutStore();
    const { runtime } = await ready({ store });
    await runtime.startWorkflow(key, 'counter');
    control.applyThenFail = true;
    await runtime.send(key, { type: 'add', amount: 5 }).catch(() => undefined);
    await runtime.send(key, { type: 'add', amount: 5 });
    expect((await runtime.getSession(key))?.workflow?.context).toEqual({
      total: 10,
      steps: [5, 5],
    });
  });

  it('should not start a workflow again for a message already applied', async () => {
    const { store, control } = createTimingOutStore();
    const { runtime } = await ready({ store });
    await runtime.startWorkflow(key, 'counter');
    control.applyThenFail = true;
    await expect(
      runtime.startWorkflow(key, 'fit', { messageId: 'update-9' }),
    ).rejects.toBeInstanceOf(StoreUnavailableError);
    const dataset = await runtime.storeData(key, sampleTable());
    await runtime.send(key, { type: 'data.uploaded', dataset });
    // The retried /train does not restart (and so reset) the workflow it started.
    const again = await runtime.startWorkflow(key, 'fit', { messageId: 'update-9' });
    expect(again).toMatchObject({
      ok: true,
      workflow: 'fit',
      state: 'selecting_target',
      duplicate: true,
    });
    expect(again).not.toHaveProperty('replaced');
  });

  it('should remember only applied steps, and the last 32 ids', async () => {
    const { runtime } = await ready();
    await runtime.startWorkflow(key, 'counter');
    expect(await runtime.send(key, { type: 'add', amount: -1 }, { messageId: 7 })).toMatchObject({
      ok: false,
    });
    expect(await runtime.send(key, { type: 'add', amount: 1 }, { messageId: 7 })).toMatchObject({
      ok: true,
      context: { total: 1 },
    });
    for (let id = 100; id < 132; id += 1) {
      await runtime.send(key, { type: 'add', amount: 1 }, { messageId: id });
    }
    // 7 has left the window of the last 32: it is applied again.
    const late = await runtime.send(key, { type: 'add', amount: 1 }, { messageId: 7 });
    expect(late).toMatchObject({ ok: true, context: { total: 34 } });
    expect(late).not.toHaveProperty('duplicate');
    expect(await runtime.send(key, { type: 'add', amount: 1 }, { messageId: 131 })).toMatchObject({
      duplicate: true,
    });
  });

  it('should refuse a message id that is not a short string or a finite number', async () => {
    const { runtime } = await ready();
    await runtime.startWorkflow(key, 'counter');
    for (const messageId of ['', 'x'.repeat(201), Number.NaN, {}, null]) {
      await expect(
        runtime.send(key, { type: 'add', amount: 1 }, { messageId } as never),
      ).rejects.toBeInstanceOf(TypeError);
    }
    await expect(
      runtime.send(key, { type: 'add', amount: 1 }, 'x' as never),
    ).rejects.toBeInstanceOf(TypeError);
    expect((await runtime.getSession(key))?.workflow?.context).toEqual({ total: 0, steps: [] });
  });
});
