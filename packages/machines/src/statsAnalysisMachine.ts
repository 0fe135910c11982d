import { assign, setup } from 'xstate';
import { z } from 'zod';
import {
  type AnalysisType,
  type AnalysisTypeId,
  analysisTypes,
  findAnalysisType,
} from './analysisTypes.ts';
import {
  columnNames,
  datasetInfoSchema,
  findColumn,
  parseDatasetInfo,
} from './datasetInfoSchema.ts';
import { defineCheck } from './defineCheck.ts';
import { errorMessage } from './errorMessage.ts';
import { toJsonResult } from './jsonResult.ts';
import { clip, listNames, quote } from './messageText.ts';
import { missingActor } from './missingActor.ts';
import { ownField } from './ownField.ts';
import type { DatasetInfo, JsonValue, WorkflowInput } from './types.ts';

/** What stats analysis knows at each step. */
export interface StatsAnalysisContext {
  /** The uploaded data set, from `selecting_analysis` on. */
  dataset: DatasetInfo | null;
  /** The chosen analysis, from `selecting_columns` on. */
  analysis: AnalysisTypeId | null;
  /** The numeric columns to analyse, in `running` and `complete`. */
  columns: string[];
  /** The analysis' result as JSON, in `complete`. */
  result: JsonValue | null;
  /** The message of the last failed analysis, until the next accepted step. */
  error: string | null;
}

/** The events a user sends to stats analysis. */
export type StatsAnalysisEvent =
  | { type: 'data.uploaded'; dataset: DatasetInfo }
  | { type: 'analysis.selected'; analysis: AnalysisTypeId }
  | { type: 'columns.selected'; columns: string[] }
  | { type: 'back' }
  | { type: 'cancel' };

/** What the `runAnalysis` actor receives. It resolves to the result, as JSON. */
export interface RunAnalysisInput {
  dataset: DatasetInfo;
  analysis: AnalysisTypeId;
  /** Numeric columns of the data set, as many as the analysis takes, in the user's order. */
  columns: string[];
}

const name = z.string().min(1).max(256);

/** Payload schemas of stats analysis' events, by event type. */
export const statsAnalysisEvents = {
  'data.uploaded': z.object({ type: z.literal('data.uploaded'), dataset: datasetInfoSchema }),
  'analysis.selected': z.object({ type: z.literal('analysis.selected'), analysis: name }),
  'columns.selected': z.object({
    type: z.literal('columns.selected'),
    columns: z.array(name).max(10_000),
  }),
  back: z.object({ type: z.literal('back') }),
  cancel: z.object({ type: z.literal('cancel') }),
} satisfies Record<StatsAnalysisEvent['type'], z.ZodType>;

const uploadFirst =
  'Please upload data first: a CSV or Excel file with at least one row and one numeric column.';

function describeCount(analysis: AnalysisType): string {
  if (analysis.maxColumns === analysis.minColumns) return `exactly ${analysis.minColumns}`;
  return `at least ${analysis.minColumns}`;
}

function numericCount(dataset: DatasetInfo | null): number {
  return columnNames(dataset, 'number').length;
}

function datasetProblem(value: unknown): string | undefined {
  const dataset = parseDatasetInfo(value);
  if (dataset === undefined) return uploadFirst;
  const again = 'Please upload a file with at least one row and one numeric column.';
  if (dataset.rowCount < 1) return `${clip(dataset.name)} has no rows. ${again}`;
  if (numericCount(dataset) === 0) return `${clip(dataset.name)} has no numeric column. ${again}`;
  return undefined;
}

function analysisProblem(context: StatsAnalysisContext, value: unknown): string | undefined {
  const { dataset } = context;
  if (dataset === null) return uploadFirst;
  const available = numericCount(dataset);
  const suited = analysisTypes.filter((analysis) => analysis.minColumns <= available);
  const choices = `Choose one of: ${suited.map((analysis) => analysis.id).join(', ')}.`;
  const analysis = findAnalysisType(value);
  if (analysis === undefined) {
    return typeof value === 'string' && value !== ''
      ? `${quote(value)} is not an analysis. ${choices}`
      : `Please choose an analysis. ${choices}`;
  }
  if (analysis.minColumns > available) {
    return `${analysis.id} needs ${describeCount(analysis)} numeric columns, but ${clip(dataset.name)} has ${available}. ${choices}`;
  }
  return undefined;
}

function columnsProblem(context: StatsAnalysisContext, columns: unknown): string | undefined {
  const { dataset } = context;
  if (dataset === null) return uploadFirst;
  const analysis = findAnalysisType(context.analysis);
  if (analysis === undefined) return 'Please choose an analysis first.';
  const numeric = columnNames(dataset, 'number');
  const choices = `${analysis.id} takes ${describeCount(analysis)} numeric columns of: ${listNames(numeric)}.`;
  if (!Array.isArray(columns) || columns.length === 0) return `Please choose columns. ${choices}`;
  if (columns.length < analysis.minColumns) {
    return `That is too few columns for ${analysis.id}. ${choices}`;
  }
  if (columns.length > (analysis.maxColumns ?? numeric.length)) {
    return `That is too many columns for ${analysis.id}. ${choices}`;
  }
  const seen = new Set<string>();
  for (const column of columns) {
    const found = findColumn(dataset, column);
    if (found === undefined) {
      const what =
        typeof column === 'string' ? `a column of ${clip(dataset.name)}` : 'a column name';
      return `${quote(column)} is not ${what}. ${choices}`;
    }
    if (found.type !== 'number') return `${quote(column)} is not numeric. ${choices}`;
    if (seen.has(found.name)) return `${quote(column)} is listed twice. ${choices}`;
    seen.add(found.name);
  }
  return undefined;
}

const checks = {
  hasUsableDataset: defineCheck<StatsAnalysisContext>(
    (_context, event) => datasetProblem(ownField(event, 'dataset')),
    uploadFirst,
  ),
  isSuitedAnalysis: defineCheck<StatsAnalysisContext>(
    (context, event) => analysisProblem(context, ownField(event, 'analysis')),
    'Please choose one of: descriptive, correlation, t_test, linear_regression.',
  ),
  suitsAnalysis: defineCheck<StatsAnalysisContext>(
    (context, event) => columnsProblem(context, ownField(event, 'columns')),
    'Please choose distinct numeric columns of the data set, as many as the analysis takes.',
  ),
};

/**
 * Refusal messages of stats analysis' guards, by guard name: what is wrong with the
 * refused event and what would be accepted.
 */
export const statsAnalysisRefusals = {
  hasUsableDataset: checks.hasUsableDataset.refusal,
  isSuitedAnalysis: checks.isSuitedAnalysis.refusal,
  suitsAnalysis: checks.suitsAnalysis.refusal,
};

/**
 * Stats analysis: upload a data set, choose an analysis its numeric columns allow,
 * choose the columns, run it. Its output on `complete` is the result (`null` when
 * cancelled). The analysis is the `runAnalysis` actor, which the host provides; the
 * default one rejects.
 *
 * @example
 * ```ts
 * const machine = statsAnalysisMachine.provide({
 *   actors: { runAnalysis: fromPromise(async ({ input }) => ({ analysis: input.analysis })) },
 * });
 * const actor = createActor(machine).start();
 * actor.send({ type: 'data.uploaded', dataset: exampleDataset() });
 * actor.send({ type: 'analysis.selected', analysis: 'correlation' });
 * ```
 */
export const statsAnalysisMachine = setup({
  types: {
    context: {} as StatsAnalysisContext,
    events: {} as StatsAnalysisEvent,
    input: {} as WorkflowInput | undefined,
    output: {} as JsonValue | null,
  },
  guards: {
    hasUsableDataset: ({ context, event }) => checks.hasUsableDataset.passes(context, event),
    isSuitedAnalysis: ({ context, event }) => checks.isSuitedAnalysis.passes(context, event),
    suitsAnalysis: ({ context, event }) => checks.suitsAnalysis.passes(context, event),
    isJsonResult: ({ event }) => (toJsonResult(ownField(event, 'output')) ?? null) !== null,
  },
  actions: {
    recordDataset: assign({
      dataset: ({ event }) => parseDatasetInfo(ownField(event, 'dataset')) ?? null,
    }),
    recordAnalysis: assign({
      analysis: ({ event }) => findAnalysisType(ownField(event, 'analysis'))?.id ?? null,
    }),
    recordColumns: assign({
      columns: ({ event }) => {
        const columns = ownField(event, 'columns');
        return Array.isArray(columns)
          ? columns.filter((column): column is string => typeof column === 'string')
          : [];
      },
    }),
    recordResult: assign({
      result: ({ event }) => toJsonResult(ownField(event, 'output')) ?? null,
    }),
    recordError: assign({ error: ({ event }) => errorMessage(ownField(event, 'error')) }),
    recordMalformedOutput: assign({ error: 'The analysis finished without a result in JSON.' }),
    clearError: assign({ error: null }),
    forgetDataset: assign({ dataset: null }),
    forgetAnalysis: assign({ analysis: null }),
    forgetColumns: assign({ columns: () => [] }),
  },
  actors: {
    runAnalysis: missingActor<JsonValue, RunAnalysisInput>('runAnalysis'),
  },
}).createMachine({
  id: 'statsAnalysis',
  description: 'Runs a statistical analysis on numeric columns of an uploaded data set.',
  meta: { version: 1 },
  initial: 'awaiting_data',
  context: { dataset: null, analysis: null, columns: [], result: null, error: null },
  output: ({ context }) => context.result,
  states: {
    awaiting_data: {
      description: 'Waits for a data set with at least one row and one numeric column.',
      meta: { prompt: 'Please upload a CSV or Excel file with your data.' },
      on: {
        'data.uploaded': {
          guard: 'hasUsableDataset',
          target: 'selecting_analysis',
          actions: ['recordDataset', 'clearError'],
        },
        cancel: { target: 'cancelled', actions: 'clearError' },
      },
    },
    selecting_analysis: {
      description: 'Waits for an analysis the data set has enough numeric columns for.',
      meta: {
        prompt:
          'Which analysis should I run? Choose descriptive, correlation, t_test or linear_regression.',
      },
      on: {
        'analysis.selected': {
          guard: 'isSuitedAnalysis',
          target: 'selecting_columns',
          actions: ['recordAnalysis', 'clearError'],
        },
        back: { target: 'awaiting_data', actions: ['forgetDataset', 'clearError'] },
        cancel: { target: 'cancelled', actions: 'clearError' },
      },
    },
    selecting_columns: {
      description: 'Waits for distinct numeric columns, as many as the analysis takes.',
      meta: {
        prompt:
          'Which numeric columns should the analysis use? Choose two for a t-test or a linear regression.',
      },
      on: {
        'columns.selected': {
          guard: 'suitsAnalysis',
          target: 'running',
          actions: ['recordColumns', 'clearError'],
        },
        back: { target: 'selecting_analysis', actions: ['forgetAnalysis', 'clearError'] },
        cancel: { target: 'cancelled', actions: 'clearError' },
      },
    },
    running: {
      description: 'Runs the analysis; a failure returns to selecting_columns with the error.',
      meta: { prompt: 'Running the analysis. This can take a moment.' },
      invoke: {
        id: 'analysis',
        src: 'runAnalysis',
        input: ({ context }) => ({
          dataset: context.dataset!,
          analysis: context.analysis!,
          columns: context.columns,
        }),
        onDone: [
          { guard: 'isJsonResult', target: 'complete', actions: 'recordResult' },
          { target: 'selecting_columns', actions: ['recordMalformedOutput', 'forgetColumns'] },
        ],
        onError: { target: 'selecting_columns', actions: ['recordError', 'forgetColumns'] },
      },
      on: {
        back: { target: 'selecting_columns', actions: ['forgetColumns', 'clearError'] },
        cancel: { target: 'cancelled', actions: 'clearError' },
      },
    },
    complete: {
      description: 'The analysis is done; the machine outputs its result.',
      meta: { prompt: 'The analysis is done.' },
      type: 'final',
    },
    cancelled: {
      description: 'The user cancelled the analysis.',
      meta: { prompt: 'The analysis was cancelled.' },
      type: 'final',
    },
  },
});
