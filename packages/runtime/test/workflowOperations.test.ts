import { describe, expect, it } from 'vitest';
import { UnknownWorkflowError } from '../src/errors.ts';
import { createTestRuntime, nextEvent, sampleTable } from './support/testRuntime.ts';

const key = { userId: 42, conversationId: 'chat-7' };

describe('startWorkflow and send', () => {
  it('should walk a workflow step by step and report each step', async () => {
    const { runtime } = createTestRuntime();
    await runtime.getOrCreateSession(key);
    const started = await runtime.startWorkflow(key, 'fit');
    expect(started).toEqual({
      ok: true,
      workflow: 'fit',
      state: 'awaiting_data',
      prompt: 'Please upload your data.',
      done: false,
      context: expect.objectContaining({ dataset: null, models: 0 }),
    });
    const dataset = await runtime.storeData(key, sampleTable(), { name: 'sample.arrow' });
    const uploaded = await runtime.send(key, { type: 'data.uploaded', dataset });
    expect(uploaded).toMatchObject({ ok: true, state: 'selecting_target' });
    const target = await runtime.send(key, { type: 'target.selected', column: 'y' });
    expect(target).toMatchObject({ ok: true, state: 'selecting_features' });
    const completed = nextEvent(runtime, 'workflow.completed');
    const training = await runtime.send(key, { type: 'features.selected', columns: ['x', 'z'] });
    expect(training).toMatchObject({ ok: true, state: 'training', prompt: 'Training the model.' });
    const event = await completed;
    expect(event.source).toBe('internal');
    expect(event.state).toBe('complete');
    const view = await runtime.getSession(key);
    expect(view?.workflow).toMatchObject({ type: 'fit', state: 'complete', done: true });
    expect(view?.models).toHaveLength(1);
    expect(view?.models[0]?.metrics.r2).toBeCloseTo(1, 9);
    await runtime.shutdown();
  });

  it('should refuse an unknown workflow type', async () => {
    const { runtime } = createTestRuntime();
    await runtime.getOrCreateSession(key);
    await expect(runtime.startWorkflow(key, 'nope')).rejects.toBeInstanceOf(UnknownWorkflowError);
  });
});
