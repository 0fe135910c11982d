import { assign, setup } from 'xstate';
import { z } from 'zod';
import {
  columnNames,
  datasetInfoSchema,
  findColumn,
  parseDatasetInfo,
} from './datasetInfoSchema.ts';
import { defineCheck } from './defineCheck.ts';
import { errorMessage } from './errorMessage.ts';
import {
  type ExplorationCommandId,
  explorationCommands,
  findExplorationCommand,
} from './explorationCommands.ts';
import { toJsonResult } from './jsonResult.ts';
import { clip, listNames, quote } from './messageText.ts';
import { missingActor } from './missingActor.ts';
import { ownField } from './ownField.ts';
import type { DatasetInfo, JsonValue, WorkflowInput } from './types.ts';

/** The result of one exploration command, with the command that produced it. */
export interface ExplorationResult {
  command: ExplorationCommandId;
  /** The column the command looked at, `null` for the whole data set. */
  column: string | null;
  /** What the `runExploration` actor resolved to, as JSON. */
  output: JsonValue;
}

/** What data exploration knows at each step. */
export interface DataExplorationContext {
  /** The uploaded data set, from `exploring` on. */
  dataset: DatasetInfo | null;
  /** The command being run, in `running` only. */
  command: ExplorationCommandId | null;
  /** The column of the command being run, in `running` only (`null` for none). */
  column: string | null;
  /** The result of the last command that succeeded. */
  result: ExplorationResult | null;
  /** The message of the last failed command, until the next accepted step. */
  error: string | null;
}

/** The events a user sends to data exploration. */
export type DataExplorationEvent =
  | { type: 'data.uploaded'; dataset: DatasetInfo }
  | { type: 'explore'; command: ExplorationCommandId; column?: string }
  | { type: 'done' }
  | { type: 'back' }
  | { type: 'cancel' };

/** What the `runExploration` actor receives. It resolves to the command's output, as JSON. */
export interface RunExplorationInput {
  dataset: DatasetInfo;
  command: ExplorationCommandId;
  /** The column to look at; absent for the whole data set. */
  column?: string;
}

const name = z.string().min(1).max(256);

/** Payload schemas of data exploration's events, by event type. */
export const dataExplorationEvents = {
  'data.uploaded': z.object({ type: z.literal('data.uploaded'), dataset: datasetInfoSchema }),
  explore: z.object({ type: z.literal('explore'), command: name, column: name.optional() }),
  done: z.object({ type: z.literal('done') }),
  back: z.object({ type: z.literal('back') }),
  cancel: z.object({ type: z.literal('cancel') }),
} satisfies Record<DataExplorationEvent['type'], z.ZodType>;

const uploadFirst =
  'Please upload data first: a CSV or Excel file with at least one column and one row.';

const commandChoices = `Choose one of: ${explorationCommands.map((command) => command.id).join(', ')}.`;

function datasetProblem(value: unknown): string | undefined {
  const dataset = parseDatasetInfo(value);
  if (dataset === undefined) return uploadFirst;
  const again = 'Please upload a file with at least one column and one row.';
  if (dataset.columns.length === 0) return `${clip(dataset.name)} has no columns. ${again}`;
  if (dataset.rowCount < 1) return `${clip(dataset.name)} has no rows. ${again}`;
  return undefined;
}

function commandProblem(
  context: DataExplorationContext,
  commandId: unknown,
  column: unknown,
): string | undefined {
  const { dataset } = context;
  if (dataset === null) return uploadFirst;
  const command = findExplorationCommand(commandId);
  if (command === undefined) {
    return typeof commandId === 'string' && commandId !== ''
      ? `${quote(commandId)} is not a command. ${commandChoices}`
      : `Please choose a command. ${commandChoices}`;
  }
  const numeric = command.column === 'numeric';
  const candidates = columnNames(dataset, numeric ? 'number' : undefined);
  if (numeric && candidates.length === 0) {
    return `${command.id} needs a numeric column, and ${clip(dataset.name)} has none. Choose another command.`;
  }
  const kind = numeric ? 'a numeric column' : 'a column';
  const choices = `Choose one of: ${listNames(candidates)}.`;
  if (column === undefined) {
    return command.column === 'optional' ? undefined : `${command.id} needs ${kind}. ${choices}`;
  }
  const found = findColumn(dataset, column);
  if (found === undefined) {
    const what = typeof column === 'string' ? `a column of ${clip(dataset.name)}` : 'a column name';
    return `${quote(column)} is not ${what}. ${choices}`;
  }
  if (numeric && found.type !== 'number') {
    return `${quote(column)} is not numeric, and ${command.id} needs ${kind}. ${choices}`;
  }
  return undefined;
}

const checks = {
  hasUsableDataset: defineCheck<DataExplorationContext>(
    (_context, event) => datasetProblem(ownField(event, 'dataset')),
    uploadFirst,
  ),
  isRunnableCommand: defineCheck<DataExplorationContext>(
    (context, event) =>
      commandProblem(context, ownField(event, 'command'), ownField(event, 'column')),
    `Please choose a command, with a column of the data set where it needs one. ${commandChoices}`,
  ),
};

/**
 * Refusal messages of data exploration's guards, by guard name: what is wrong with the
 * refused event and what would be accepted.
 */
export const dataExplorationRefusals = {
  hasUsableDataset: checks.hasUsableDataset.refusal,
  isRunnableCommand: checks.isRunnableCommand.refusal,
};

/**
 * Data exploration: upload a data set, then run exploration commands on it, one at a
 * time, as many as wanted, until `done`. Each command runs in `running` and comes back
 * to `exploring` with its result in `context.result`. The output on `complete` is the
 * last result (`null` when cancelled or when none ran). The commands run through the
 * `runExploration` actor, which the host provides; the default one rejects.
 *
 * @example
 * ```ts
 * const machine = dataExplorationMachine.provide({
 *   actors: { runExploration: fromPromise(async ({ input }) => ({ command: input.command })) },
 * });
 * const actor = createActor(machine).start();
 * actor.send({ type: 'data.uploaded', dataset: exampleDataset() });
 * actor.send({ type: 'explore', command: 'histogram', column: 'price' });
 * ```
 */
export const dataExplorationMachine = setup({
  types: {
    context: {} as DataExplorationContext,
    events: {} as DataExplorationEvent,
    input: {} as WorkflowInput | undefined,
    output: {} as ExplorationResult | null,
  },
  guards: {
    hasUsableDataset: ({ context, event }) => checks.hasUsableDataset.passes(context, event),
    isRunnableCommand: ({ context, event }) => checks.isRunnableCommand.passes(context, event),
    isJsonResult: ({ event }) => (toJsonResult(ownField(event, 'output')) ?? null) !== null,
  },
  actions: {
    recordDataset: assign({
      dataset: ({ event }) => parseDatasetInfo(ownField(event, 'dataset')) ?? null,
    }),
    recordCommand: assign({
      command: ({ event }) => findExplorationCommand(ownField(event, 'command'))?.id ?? null,
      column: ({ context, event }) =>
        findColumn(context.dataset, ownField(event, 'column'))?.name ?? null,
    }),
    recordResult: assign({
      result: ({ context, event }) => {
        const output = toJsonResult(ownField(event, 'output'));
        if (output === undefined || output === null || context.command === null) return null;
        return { command: context.command, column: context.column, output };
      },
    }),
    recordError: assign({ error: ({ event }) => errorMessage(ownField(event, 'error')) }),
    recordMalformedOutput: assign({
      error: 'The exploration command finished without a result in JSON.',
    }),
    clearError: assign({ error: null }),
    forgetDataset: assign({ dataset: null, result: null }),
    forgetCommand: assign({ command: null, column: null }),
  },
  actors: {
    runExploration: missingActor<JsonValue, RunExplorationInput>('runExploration'),
  },
}).createMachine({
  id: 'dataExploration',
  description: 'Runs exploration commands on an uploaded data set until the user is done.',
  meta: { version: 1 },
  initial: 'awaiting_data',
  context: { dataset: null, command: null, column: null, result: null, error: null },
  output: ({ context }) => context.result,
  states: {
    awaiting_data: {
      description: 'Waits for a data set with at least one row and one column.',
      meta: { prompt: 'Please upload a CSV or Excel file with your data.' },
      on: {
        'data.uploaded': {
          guard: 'hasUsableDataset',
          target: 'exploring',
          actions: ['recordDataset', 'clearError'],
        },
        cancel: { target: 'cancelled', actions: 'clearError' },
      },
    },
    exploring: {
      description: 'Waits for an exploration command, or for done.',
      meta: {
        prompt:
          'What would you like to see? Choose schema, head, summary, missing, value_counts (of a column) or histogram (of a numeric column), or say done.',
      },
      on: {
        explore: {
          guard: 'isRunnableCommand',
          target: 'running',
          actions: ['recordCommand', 'clearError'],
        },
        done: { target: 'complete', actions: 'clearError' },
        back: { target: 'awaiting_data', actions: ['forgetDataset', 'clearError'] },
        cancel: { target: 'cancelled', actions: 'clearError' },
      },
    },
    running: {
      description: 'Runs the command; done or failed, it returns to exploring.',
      meta: { prompt: 'Looking at your data. This can take a moment.' },
      invoke: {
        id: 'exploration',
        src: 'runExploration',
        input: ({ context }) => {
          const input: RunExplorationInput = {
            dataset: context.dataset!,
            command: context.command!,
          };
          if (context.column !== null) input.column = context.column;
          return input;
        },
        onDone: [
          {
            guard: 'isJsonResult',
            target: 'exploring',
            actions: ['recordResult', 'forgetCommand'],
          },
          { target: 'exploring', actions: ['recordMalformedOutput', 'forgetCommand'] },
        ],
        onError: { target: 'exploring', actions: ['recordError', 'forgetCommand'] },
      },
      on: {
        back: { target: 'exploring', actions: ['forgetCommand', 'clearError'] },
        cancel: { target: 'cancelled', actions: 'clearError' },
      },
    },
    complete: {
      description: 'The user is done exploring; the machine outputs the last result.',
      meta: { prompt: 'Done exploring.' },
      type: 'final',
    },
    cancelled: {
      description: 'The user cancelled the exploration.',
      meta: { prompt: 'The exploration was cancelled.' },
      type: 'final',
    },
  },
});
