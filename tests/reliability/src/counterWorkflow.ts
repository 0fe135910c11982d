import type { WorkflowDefinition } from '@chatflow/machines';
import { assign, setup } from 'xstate';
import { z } from 'zod';

/** The context of the counter: the running total and every applied event id, in order. */
export interface CounterContext {
  total: number;
  ids: string[];
}

/** The events of the counter. */
export type CounterEvent = { type: 'add'; id: string; amount: number } | { type: 'done' };

/**
 * A workflow that accepts the same event over and over: each `add` adds its amount to
 * the total and appends its id to `ids`, so the context records every applied event
 * once, in the order applied. An event applied twice, or lost, shows in `ids`.
 */
export const counterMachine = setup({
  types: { context: {} as CounterContext, events: {} as CounterEvent },
  actions: {
    applyAdd: assign(({ context, event }) =>
      event.type === 'add'
        ? { total: context.total + event.amount, ids: [...context.ids, event.id] }
        : {},
    ),
  },
}).createMachine({
  id: 'counter',
  description: 'Adds numbers until done.',
  meta: { version: 1 },
  initial: 'counting',
  context: { total: 0, ids: [] },
  states: {
    counting: {
      description: 'Takes add events.',
      meta: { prompt: 'Send numbers to add, then done.' },
      on: { add: { actions: 'applyAdd' }, done: 'complete' },
    },
    complete: {
      description: 'The total is final.',
      meta: { prompt: 'Done.' },
      type: 'final',
    },
  },
});

/**
 * The counter as a workflow definition the runtime takes (`createRuntime({ workflows:
 * { counter: counterWorkflow } })`), with zod schemas for its two events.
 *
 * @example
 * ```ts
 * await runtime.startWorkflow(key, 'counter');
 * await runtime.send(key, { type: 'add', id: 'a-1', amount: 3 });
 * ```
 */
export const counterWorkflow: WorkflowDefinition = {
  type: 'counter',
  label: 'Count',
  description: 'Adds numbers until done.',
  version: 1,
  machine: counterMachine,
  events: {
    add: z.object({
      type: z.literal('add'),
      id: z.string().min(1).max(64),
      amount: z.number().int(),
    }),
    done: z.object({ type: z.literal('done') }),
  },
  refusals: {},
};
