import type { WorkflowView } from '@chatflow/runtime';
import { describe, expect, it } from 'vitest';
import { describeStep } from '../../src/grammy/index.ts';

const step = (patch: Partial<WorkflowView>): WorkflowView => ({
  type: 'ml_training',
  state: 'confirming_model',
  prompt: 'Choose a model type.',
  done: false,
  context: {},
  ...patch,
});

describe('describeStep', () => {
  it("should be the step's prompt for a plain step", () => {
    expect(describeStep(step({}), 'user')).toBe('Choose a model type.');
  });

  it('should put the last error first while the workflow runs', () => {
    const text = describeStep(step({ context: { error: 'singular matrix' } }), 'internal');
    expect(text).toBe('⚠ singular matrix\n\nChoose a model type.');
  });

  it('should show a trained model with its scores once complete', () => {
    const model = {
      modelId: 'm-7',
      modelType: 'linear_regression',
      target: 'price',
      features: ['rooms', 'area'],
      metrics: { r2: 0.912345, n: 120 },
    };
    const text = describeStep(
      step({ state: 'complete', done: true, prompt: 'Trained.', context: { model } }),
      'user',
    );
    expect(text).toBe(
      'Model m-7 (linear_regression) predicts price from rooms, area.\nScores: r2 0.9123, n 120.\n\nTrained.',
    );
  });

  it('should show results after a step taken without a message, not after a user step', () => {
    const running = step({ state: 'exploring', prompt: 'What next?', context: { result: [1] } });
    expect(describeStep(running, 'internal')).toBe('[\n  1\n]\n\nWhat next?');
    expect(describeStep(running, 'user')).toBe('What next?');
  });

  it('should not show results of a cancelled workflow', () => {
    const cancelled = step({ state: 'cancelled', done: true, prompt: 'Cancelled.' });
    expect(describeStep({ ...cancelled, context: { result: { a: 1 } } }, 'user')).toBe(
      'Cancelled.',
    );
  });

  it('should stay within the length Telegram accepts', () => {
    const huge = step({ state: 'complete', done: true, context: { result: 'x'.repeat(10_000) } });
    const text = describeStep(huge, 'internal');
    expect(text.length).toBeLessThanOrEqual(4000);
    expect(text.endsWith('Choose a model type.')).toBe(true);
  });
});
