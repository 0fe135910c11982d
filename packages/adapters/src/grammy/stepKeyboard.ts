import type { WorkflowDefinition } from '@chatflow/machines';
import type { WorkflowView } from '@chatflow/runtime';
import { InlineKeyboard } from 'grammy';
import { encodeCallbackData, maxMultiSelectOptions, stepTag } from './callbackData.ts';
import type { StepControls } from './types.ts';

/** Most single-choice buttons a step shows. */
export const maxChoices = 90;

const clipLabel = (label: string) => (label.length <= 60 ? label : `${label.slice(0, 59)}…`);

const noEvents: readonly string[] = Object.freeze([]);

/** The user events of each state node, worked out once (XState's `ownEvents` is a getter that rebuilds its list). */
const eventsOfNode = new WeakMap<object, readonly string[]>();

/**
 * The user events a workflow's current step accepts, from the state node's own
 * transitions (XState's internal events left out). Whether a guard would let them
 * through is not considered. The list is shared: do not change it.
 */
export function acceptedEvents(
  workflows: Record<string, WorkflowDefinition>,
  workflow: WorkflowView,
): readonly string[] {
  if (workflow.done || !Object.hasOwn(workflows, workflow.type)) return noEvents;
  const states = workflows[workflow.type]?.machine.root.states ?? {};
  const node = Object.hasOwn(states, workflow.state) ? states[workflow.state] : undefined;
  if (node === undefined) return noEvents;
  let events = eventsOfNode.get(node);
  if (events === undefined) {
    events = Object.freeze(
      node.ownEvents.filter(
        (type): type is string => typeof type === 'string' && !type.startsWith('xstate.'),
      ),
    );
    eventsOfNode.set(node, events);
  }
  return events;
}

/**
 * The tag of a step's buttons: it changes when the session, the workflow, the step or
 * the offered buttons change, so pressing a button of another step is detected.
 */
export function tagOfStep(
  sessionId: string,
  workflow: WorkflowView,
  controls: StepControls | undefined,
): string {
  const fingerprint = JSON.stringify([
    (controls?.choices ?? []).slice(0, maxChoices).map((choice) => [choice.label, choice.event]),
    (controls?.multiSelect?.options ?? []).slice(0, maxMultiSelectOptions),
  ]);
  return stepTag([sessionId, workflow.type, workflow.state, fingerprint]);
}

/** One inline button. */
export type Button = ReturnType<typeof InlineKeyboard.text>;

/** Callback buttons in rows of three short labels or two longer ones. */
export function flowing(buttons: readonly { label: string; data: string }[]): Button[][] {
  const perRow = buttons.every((button) => button.label.length <= 14) ? 3 : 2;
  const rows: Button[][] = [];
  buttons.forEach((button, index) => {
    if (index % perRow === 0) rows.push([]);
    rows.at(-1)?.push(InlineKeyboard.text(clipLabel(button.label), button.data));
  });
  return rows;
}

/** What the step keyboard needs besides the controls. */
export interface StepKeyboardArgs {
  tag: string;
  controls: StepControls | undefined;
  /** Event types the step accepts (decides the back and cancel buttons). */
  accepted: readonly string[];
  /** The multi-select options picked so far. */
  mask?: bigint;
  backLabel: string;
  cancelLabel: string;
}

/**
 * The inline keyboard of a step: its choices, its multi-select (picked options marked)
 * with a submit button, and back and cancel when the step accepts them. `undefined`
 * when there is nothing to press.
 */
export function stepKeyboard(args: StepKeyboardArgs): InlineKeyboard | undefined {
  const { tag, controls, accepted } = args;
  const rows: Button[][] = [];
  const choices = (controls?.choices ?? []).slice(0, maxChoices).flatMap((choice, index) => {
    const data = encodeCallbackData({ kind: 'choice', tag, index });
    return data === undefined ? [] : [{ label: choice.label, data }];
  });
  rows.push(...flowing(choices));

  const multi = controls?.multiSelect;
  if (multi !== undefined && multi.options.length > 0) {
    const mask = args.mask ?? 0n;
    const options = multi.options.slice(0, maxMultiSelectOptions).map((option, index) => {
      const picked = ((mask >> BigInt(index)) & 1n) === 1n;
      const data = encodeCallbackData({ kind: 'toggle', tag, mask, index });
      return { label: `${picked ? '✅ ' : ''}${option.label}`, data: data ?? '', picked };
    });
    rows.push(...flowing(options));
    const count = options.filter((option) => option.picked).length;
    const submit = encodeCallbackData({ kind: 'submit', tag, mask });
    if (submit !== undefined) {
      rows.push([InlineKeyboard.text(`${multi.submitLabel ?? 'Done'} (${count})`, submit)]);
    }
  }

  const navigation: { label: string; data: string }[] = [];
  const back = encodeCallbackData({ kind: 'back', tag });
  const cancel = encodeCallbackData({ kind: 'cancel', tag });
  if (accepted.includes('back') && back !== undefined) {
    navigation.push({ label: args.backLabel, data: back });
  }
  if (accepted.includes('cancel') && cancel !== undefined) {
    navigation.push({ label: args.cancelLabel, data: cancel });
  }
  if (navigation.length > 0) {
    rows.push(navigation.map((button) => InlineKeyboard.text(button.label, button.data)));
  }
  return rows.length === 0 ? undefined : new InlineKeyboard(rows);
}

/**
 * A keyboard with one button per workflow of the catalogue (its label), each starting
 * that workflow. Workflow types longer than callback data allows are left out.
 */
export function workflowMenu(workflows: Record<string, WorkflowDefinition>): InlineKeyboard {
  const buttons = Object.entries(workflows).flatMap(([type, definition]) => {
    const data = encodeCallbackData({ kind: 'start', workflow: type });
    return data === undefined ? [] : [{ label: definition.label, data }];
  });
  return new InlineKeyboard(flowing(buttons));
}
