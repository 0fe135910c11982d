import { workflows } from '@chatflow/machines';
import type { WorkflowView } from '@chatflow/runtime';
import { describe, expect, it } from 'vitest';
import { decodeCallbackData } from '../../src/grammy/callbackData.ts';
import {
  acceptedEvents,
  stepKeyboard,
  tagOfStep,
  workflowMenu,
} from '../../src/grammy/stepKeyboard.ts';
import type { StepControls } from '../../src/grammy/types.ts';

const view = (state: string, done = false): WorkflowView => ({
  type: 'ml_training',
  state,
  prompt: '',
  done,
  context: {},
});
const labels = { backLabel: 'Back', cancelLabel: 'Cancel' };

describe('stepKeyboard', () => {
  it("should know which events a step accepts from the workflow's machine", () => {
    expect(acceptedEvents(workflows, view('awaiting_data'))).toEqual(['data.uploaded', 'cancel']);
    expect(acceptedEvents(workflows, view('selecting_target'))).toEqual([
      'target.selected',
      'back',
      'cancel',
    ]);
    expect(acceptedEvents(workflows, view('complete', true))).toEqual([]);
    expect(acceptedEvents(workflows, { ...view('x'), type: '__proto__' })).toEqual([]);
  });

  it('should show back and cancel only where the step accepts them', () => {
    const first = stepKeyboard({
      tag: 'AAAAAAAA',
      controls: undefined,
      accepted: ['cancel'],
      ...labels,
    });
    expect(first?.inline_keyboard.flat().map((button) => button.text)).toEqual(['Cancel']);
    expect(
      stepKeyboard({ tag: 'AAAAAAAA', controls: undefined, accepted: [], ...labels }),
    ).toBeUndefined();
  });

  it('should cap the buttons and keep every callback data within 64 bytes', () => {
    const many: StepControls = {
      choices: Array.from({ length: 150 }, (_, index) => ({
        label: `column number ${index} with a very long name that goes on and on and on`,
        event: { type: 'target.selected', column: `c${index}` },
      })),
      multiSelect: {
        options: Array.from({ length: 150 }, (_, index) => ({
          label: `o${index}`,
          value: `o${index}`,
        })),
        submit: (values) => ({ type: 'features.selected', columns: values }),
      },
    };
    const keyboard = stepKeyboard({
      tag: 'AbCdEfGh',
      controls: many,
      accepted: ['back', 'cancel'],
      mask: (1n << 89n) | 1n,
      ...labels,
    });
    const buttons = keyboard?.inline_keyboard.flat() ?? [];
    expect(buttons.length).toBeLessThanOrEqual(90 + 90 + 3);
    for (const button of buttons) {
      const data = (button as { callback_data: string }).callback_data;
      expect(Buffer.byteLength(data)).toBeLessThanOrEqual(64);
      expect(decodeCallbackData(data)).toBeDefined();
      expect(button.text.length).toBeLessThanOrEqual(60);
    }
    expect(buttons.filter((button) => button.text.startsWith('✅ '))).toHaveLength(2);
  });

  it('should tag a step by session, step and offered buttons', () => {
    const controls: StepControls = {
      choices: [{ label: 'a', event: { type: 'target.selected', column: 'a' } }],
    };
    const tag = tagOfStep('s-1', view('selecting_target'), controls);
    expect(tagOfStep('s-1', view('selecting_target'), controls)).toBe(tag);
    expect(tagOfStep('s-2', view('selecting_target'), controls)).not.toBe(tag);
    expect(tagOfStep('s-1', view('selecting_target'), { choices: [] })).not.toBe(tag);
  });

  it('should offer every workflow of the catalogue in the menu', () => {
    const menu = workflowMenu(workflows).inline_keyboard.flat();
    expect(menu.map((button) => button.text)).toEqual(
      Object.values(workflows).map((definition) => definition.label),
    );
    expect(
      menu.map((button) => decodeCallbackData((button as { callback_data: string }).callback_data)),
    ).toEqual(Object.keys(workflows).map((workflow) => ({ kind: 'start', workflow })));
  });
});
