import type { WorkflowView } from '@chatflow/runtime';
import { describe, expect, it } from 'vitest';
import { readStepText } from '../../src/grammy/readStepText.ts';
import type { StepControls } from '../../src/grammy/types.ts';

const workflow: WorkflowView = {
  type: 'survey',
  state: 'rating',
  prompt: 'Rate us.',
  done: false,
  context: {},
};
const controls: StepControls = {
  choices: [
    { label: 'Great', event: { type: 'rated', stars: 5 }, aliases: ['5'] },
    { label: 'Poor', event: { type: 'rated', stars: 1 } },
  ],
};

describe('readStepText', () => {
  it('should pick a choice by label or alias, in any case', () => {
    expect(readStepText(' great ', workflow, [], () => controls)).toEqual({
      type: 'rated',
      stars: 5,
    });
    expect(readStepText('5', workflow, [], () => controls)).toEqual({ type: 'rated', stars: 5 });
  });

  it('should read back, cancel and stop only where the step accepts them', () => {
    expect(readStepText('Back', workflow, ['back'], () => undefined)).toEqual({ type: 'back' });
    expect(readStepText('back', workflow, [], () => undefined)).toBeUndefined();
    expect(readStepText('stop', workflow, ['cancel'], () => undefined)).toEqual({
      type: 'cancel',
    });
  });

  it('should submit a typed list to a multi-select, matching options by value or label', () => {
    const multi: StepControls = {
      multiSelect: {
        options: [
          { label: 'Living area', value: 'area' },
          { label: 'Rooms', value: 'rooms' },
        ],
        submit: (values) => ({ type: 'picked', values }),
      },
    };
    expect(readStepText('living AREA, rooms', workflow, [], () => multi)).toEqual({
      type: 'picked',
      values: ['area', 'rooms'],
    });
    expect(readStepText('all', workflow, [], () => multi)).toEqual({
      type: 'picked',
      values: ['area', 'rooms'],
    });
    // Unknown names go through as typed, so the workflow's guard can say what is wrong.
    expect(readStepText('garden', workflow, [], () => multi)).toEqual({
      type: 'picked',
      values: ['garden'],
    });
  });

  it('should send a bare event type the step accepts, and nothing for other text', () => {
    expect(readStepText('done', workflow, ['done', 'explore'], () => undefined)).toEqual({
      type: 'done',
    });
    expect(readStepText('whatever', workflow, ['done'], () => undefined)).toBeUndefined();
  });
});
