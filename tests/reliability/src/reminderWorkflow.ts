import type { WorkflowDefinition } from '@chatflow/machines';
import { setup } from 'xstate';
import { z } from 'zod';

/** Minutes until the reminder, while no data arrived. */
export const reminderAfterMinutes = 10;
/** Minutes from the reminder until the request expires, while no data arrived. */
export const expiryAfterMinutes = 20;

/**
 * A request for data with two `after` timers: a reminder when no data arrived within
 * {@link reminderAfterMinutes}, and expiry {@link expiryAfterMinutes} after the
 * reminder. Data ends it at any time.
 */
export const reminderMachine = setup({
  types: { events: {} as { type: 'data.uploaded' } },
}).createMachine({
  id: 'reminder',
  description: 'Asks for data, reminds once, then gives up.',
  meta: { version: 1 },
  initial: 'awaiting_data',
  states: {
    awaiting_data: {
      description: 'Waits for data.',
      meta: { prompt: 'Please send your data.' },
      after: { [reminderAfterMinutes * 60_000]: 'reminded' },
      on: { 'data.uploaded': 'received' },
    },
    reminded: {
      description: 'Reminded the user; waits for data a while longer.',
      meta: { prompt: 'Reminder: I am still waiting for your data.' },
      after: { [expiryAfterMinutes * 60_000]: 'expired' },
      on: { 'data.uploaded': 'received' },
    },
    received: {
      description: 'The data arrived.',
      meta: { prompt: 'Thanks, got it.' },
      type: 'final',
    },
    expired: {
      description: 'No data arrived in time.',
      meta: { prompt: 'The request expired.' },
      type: 'final',
    },
  },
});

/**
 * The reminder as a workflow definition.
 *
 * @example
 * ```ts
 * const runtime = createRuntime({ workflows: { reminder: reminderWorkflow }, now, clock });
 * ```
 */
export const reminderWorkflow: WorkflowDefinition = {
  type: 'reminder',
  label: 'Data request',
  description: 'Asks for data, reminds once, then gives up.',
  version: 1,
  machine: reminderMachine,
  events: { 'data.uploaded': z.object({ type: z.literal('data.uploaded') }) },
  refusals: {},
};
