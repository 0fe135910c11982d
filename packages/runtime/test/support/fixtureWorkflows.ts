import type { DatasetInfo, WorkflowDefinition } from '@chatflow/machines';
import { assign, fromPromise, setup } from 'xstate';
import { z } from 'zod';

/** What the fit workflow's trainer receives. */
export interface FitInput {
  dataset: DatasetInfo;
  target: string;
  features: string[];
}

/** What the fit workflow's trainer resolves to. */
export interface FitOutput {
  modelId: string;
  metrics: Record<string, number>;
  coefficients: number[];
}

interface FitContext {
  dataset: DatasetInfo | null;
  target: string | null;
  features: string[];
  model: (FitOutput & { target: string; features: string[] }) | null;
  error: string | null;
  models: number;
}

type FitEvent =
  | { type: 'data.uploaded'; dataset: DatasetInfo }
  | { type: 'target.selected'; column: string }
  | { type: 'features.selected'; columns: string[] }
  | { type: 'back' }
  | { type: 'cancel' };

const columnSchema = z.object({
  name: z.string().min(1),
  type: z.enum(['number', 'string', 'boolean', 'date']),
});
const datasetSchema = z.object({
  id: z.string().min(1),
  name: z.string(),
  columns: z.array(columnSchema),
  rowCount: z.number().int().nonnegative(),
});

const numericColumn = (dataset: DatasetInfo | null, name: string) =>
  dataset?.columns.some((column) => column.name === name && column.type === 'number') ?? false;

/**
 * A small ML-training-like workflow following the chatflow contract: flat states with
 * `meta.prompt`, named guards with refusal messages, an invoked `fitModel` actor with
 * an explicit id and a default implementation that fails loudly, zod event schemas,
 * a version, and a final output that is a model record.
 */
export const fitMachine = setup({
  types: {
    context: {} as FitContext,
    events: {} as FitEvent,
    input: {} as { models?: unknown[] } | undefined,
  },
  guards: {
    hasRowsAndColumns: ({ event }) =>
      event.type === 'data.uploaded' &&
      event.dataset.rowCount > 0 &&
      event.dataset.columns.length >= 2,
    isNumericColumn: ({ context, event }) =>
      event.type === 'target.selected' && numericColumn(context.dataset, event.column),
    areNumericFeatures: ({ context, event }) =>
      event.type === 'features.selected' &&
      event.columns.length > 0 &&
      event.columns.every(
        (column) => column !== context.target && numericColumn(context.dataset, column),
      ),
  },
  actors: {
    fitModel: fromPromise<FitOutput, FitInput>(async () => {
      throw new Error('fitModel is not provided: give the runtime an actors.fitModel.');
    }),
  },
}).createMachine({
  id: 'fit',
  initial: 'awaiting_data',
  context: ({ input }) => ({
    dataset: null,
    target: null,
    features: [],
    model: null,
    error: null,
    models: input?.models?.length ?? 0,
  }),
  output: ({ context }) =>
    context.model === null
      ? null
      : {
          modelId: context.model.modelId,
          modelType: 'linear_regression',
          target: context.model.target,
          features: context.model.features,
          metrics: context.model.metrics,
          datasetId: context.dataset?.id ?? '',
        },
  states: {
    awaiting_data: {
      meta: { prompt: 'Please upload your data.' },
      on: {
        'data.uploaded': {
          guard: 'hasRowsAndColumns',
          target: 'selecting_target',
          actions: assign({ dataset: ({ event }) => event.dataset }),
        },
        cancel: 'cancelled',
      },
    },
    selecting_target: {
      meta: { prompt: 'Which column should the model predict?' },
      on: {
        'target.selected': {
          guard: 'isNumericColumn',
          target: 'selecting_features',
          actions: assign({ target: ({ event }) => event.column }),
        },
        back: { target: 'awaiting_data', actions: assign({ dataset: null }) },
        cancel: 'cancelled',
      },
    },
    selecting_features: {
      meta: { prompt: 'Which columns should it learn from?' },
      on: {
        'features.selected': {
          guard: 'areNumericFeatures',
          target: 'training',
          actions: assign({ features: ({ event }) => event.columns, error: null }),
        },
        back: { target: 'selecting_target', actions: assign({ target: null }) },
        cancel: 'cancelled',
      },
    },
    training: {
      meta: { prompt: 'Training the model.' },
      invoke: {
        id: 'training',
        src: 'fitModel',
        input: ({ context }) => ({
          dataset: context.dataset!,
          target: context.target!,
          features: context.features,
        }),
        onDone: {
          target: 'complete',
          actions: assign({
            model: ({ context, event }) => ({
              ...event.output,
              target: context.target!,
              features: context.features,
            }),
          }),
        },
        onError: {
          target: 'selecting_features',
          actions: assign({
            error: ({ event }) => String((event.error as Error)?.message ?? event.error),
          }),
        },
      },
      on: { cancel: 'cancelled' },
    },
    complete: { type: 'final', meta: { prompt: 'The model is trained.' } },
    cancelled: { type: 'final', meta: { prompt: 'Training was cancelled.' } },
  },
});

/** The fit workflow's definition, as a catalogue entry. */
export const fitWorkflow: WorkflowDefinition<typeof fitMachine> = {
  type: 'fit',
  label: 'Fit a model',
  description: 'Upload data, choose a target and features, fit a least-squares model.',
  version: 1,
  machine: fitMachine,
  events: {
    'data.uploaded': z.object({ type: z.literal('data.uploaded'), dataset: datasetSchema }),
    'target.selected': z.object({ type: z.literal('target.selected'), column: z.string().min(1) }),
    // A payload-only schema: the runtime gives it the event without its type.
    'features.selected': z.strictObject({ columns: z.array(z.string().min(1)) }),
    back: z.object({ type: z.literal('back') }),
    cancel: z.object({ type: z.literal('cancel') }),
  },
  refusals: {
    hasRowsAndColumns: () => 'Please upload data first: at least one row and two columns.',
    isNumericColumn: ({ event }) =>
      `"${(event as { column: string }).column}" is not a numeric column of the data set.`,
    // areNumericFeatures has no message: the runtime says which check failed.
  },
};

interface CounterContext {
  total: number;
  steps: number[];
}

type CounterEvent = { type: 'add'; amount: number } | { type: 'finish' } | { type: 'cancel' };

/** A counter: `add` adds a positive amount, `finish` ends it. For volume tests. */
export const counterMachine = setup({
  types: { context: {} as CounterContext, events: {} as CounterEvent },
  guards: {
    isPositive: ({ event }) => event.type === 'add' && event.amount > 0,
    hasSteps: ({ context }) => context.steps.length > 0,
  },
}).createMachine({
  id: 'counter',
  initial: 'counting',
  context: { total: 0, steps: [] },
  output: ({ context }) => ({ total: context.total }),
  states: {
    counting: {
      meta: { prompt: 'Send numbers to add.' },
      on: {
        add: {
          guard: 'isPositive',
          actions: assign({
            total: ({ context, event }) => context.total + event.amount,
            steps: ({ context, event }) => [...context.steps, event.amount],
          }),
        },
        finish: { guard: 'hasSteps', target: 'finished' },
        cancel: 'cancelled',
      },
    },
    finished: { type: 'final', meta: { prompt: 'Done counting.' } },
    cancelled: { type: 'final', meta: { prompt: 'Counting was cancelled.' } },
  },
});

/** The counter's definition. */
export const counterWorkflow: WorkflowDefinition<typeof counterMachine> = {
  type: 'counter',
  label: 'Count',
  description: 'Adds numbers.',
  version: 1,
  machine: counterMachine,
  events: {
    add: z.object({ type: z.literal('add'), amount: z.number().finite() }),
    finish: z.object({ type: z.literal('finish') }),
    cancel: z.object({ type: z.literal('cancel') }),
  },
  refusals: {
    isPositive: () => 'Please send a number greater than zero.',
    hasSteps: () => 'Add at least one number before finishing.',
  },
};

interface ReminderContext {
  reminders: number;
  nudges: number;
  dataset: DatasetInfo | null;
}

type ReminderEvent =
  | { type: 'data.uploaded'; dataset: DatasetInfo }
  | { type: 'snooze' }
  | { type: 'cancel' };

/** Minutes before the reminder, and before the cancellation that follows it. */
export const reminderMinutes = 10;
export const expiryMinutes = 20;

/**
 * A workflow with durable timers: waiting for data, it reminds the user after 10
 * minutes (`after`), then cancels itself 20 minutes later (a named delay). `snooze`
 * re-enters the waiting step (its timer starts again); a targetless `after` 4 minutes
 * into the reminded step counts a nudge without leaving the step.
 */
export const reminderMachine = setup({
  types: { context: {} as ReminderContext, events: {} as ReminderEvent },
  delays: { expiry: () => expiryMinutes * 60_000 },
}).createMachine({
  id: 'reminder',
  initial: 'awaiting_data',
  context: { reminders: 0, nudges: 0, dataset: null },
  output: ({ context }) => ({ dataset: context.dataset?.id ?? null }),
  states: {
    awaiting_data: {
      meta: { prompt: 'Please upload your data.' },
      after: { [reminderMinutes * 60_000]: 'reminded' },
      on: {
        'data.uploaded': {
          target: 'received',
          actions: assign({ dataset: ({ event }) => event.dataset }),
        },
        snooze: { target: 'awaiting_data', reenter: true },
        cancel: 'cancelled',
      },
    },
    reminded: {
      meta: { prompt: 'Still there? Please upload your data.' },
      entry: assign({ reminders: ({ context }) => context.reminders + 1 }),
      after: {
        expiry: 'cancelled',
        240000: {
          actions: assign({ nudges: ({ context }) => context.nudges + 1 }),
          reenter: false,
        },
      },
      on: {
        'data.uploaded': {
          target: 'received',
          actions: assign({ dataset: ({ event }) => event.dataset }),
        },
        cancel: 'cancelled',
      },
    },
    received: { type: 'final', meta: { prompt: 'Thanks, got it.' } },
    cancelled: { type: 'final', meta: { prompt: 'No data came; cancelled.' } },
  },
});

/** The reminder workflow's definition. */
export const reminderWorkflow: WorkflowDefinition<typeof reminderMachine> = {
  type: 'reminder',
  label: 'Wait for data',
  description: 'Waits for data, reminds once, then gives up.',
  version: 1,
  machine: reminderMachine,
  events: {
    'data.uploaded': z.object({ type: z.literal('data.uploaded'), dataset: datasetSchema }),
    snooze: z.object({ type: z.literal('snooze') }),
    cancel: z.object({ type: z.literal('cancel') }),
  },
  refusals: {},
};

/** The fixture catalogue. */
export const fixtureWorkflows = {
  fit: fitWorkflow,
  counter: counterWorkflow,
  reminder: reminderWorkflow,
};
