import type { WorkflowView } from '@chatflow/runtime';
import type { StepControlsFn, WorkflowEventObject } from './types.ts';

const same = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

/**
 * Reads a user's text as an event for the current step: `back` and `cancel` (or
 * `stop`) where the step accepts them, a choice named by its label or an alias, the
 * step's own `parseText`, a comma-separated list (or `all`) for a multi-select, and
 * finally a bare event type the step accepts (such as `done`). `undefined` when the
 * text means nothing here.
 *
 * @example
 * ```ts
 * readStepText('Price', workflow, ['target.selected', 'back', 'cancel'], defaultStepControls);
 * // { type: 'target.selected', column: 'price' }
 * ```
 */
export function readStepText(
  text: string,
  workflow: WorkflowView,
  accepted: readonly string[],
  controlsOf: StepControlsFn,
): WorkflowEventObject | undefined {
  const wanted = text.trim().toLowerCase();
  if (wanted === 'back' && accepted.includes('back')) return { type: 'back' };
  if ((wanted === 'cancel' || wanted === 'stop') && accepted.includes('cancel')) {
    return { type: 'cancel' };
  }
  const controls = controlsOf(workflow);
  const choice = controls?.choices?.find((candidate) =>
    [candidate.label, ...(candidate.aliases ?? [])].some((name) => same(name, wanted)),
  );
  if (choice !== undefined) return choice.event;
  const parsed = controls?.parseText?.(text);
  if (parsed !== undefined) return parsed;
  const multi = controls?.multiSelect;
  if (multi !== undefined) {
    const names =
      wanted === 'all' ? multi.options.map((option) => option.value) : wanted.split(',');
    const values = names.map(
      (name) =>
        multi.options.find((option) => same(option.value, name) || same(option.label, name))
          ?.value ?? name.trim(),
    );
    return multi.submit(values.filter((value) => value !== ''));
  }
  // A bare event type the step accepts, such as "done".
  return accepted.includes(wanted) ? { type: wanted } : undefined;
}
