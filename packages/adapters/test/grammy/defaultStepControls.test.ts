import {
  analysisTypes,
  exampleDataset,
  exampleModels,
  explorationCommands,
  modelTypes,
} from '@chatflow/machines';
import type { WorkflowView } from '@chatflow/runtime';
import { describe, expect, it } from 'vitest';
import { defaultStepControls } from '../../src/grammy/index.ts';

const dataset = exampleDataset();
const view = (type: string, state: string, context: unknown): WorkflowView => ({
  type,
  state,
  prompt: 'a prompt',
  done: false,
  context,
});

describe('defaultStepControls', () => {
  it("should offer the data set's columns as targets and read a typed column in any case", () => {
    const controls = defaultStepControls(view('ml_training', 'selecting_target', { dataset }));
    expect(controls?.choices?.map((choice) => choice.label)).toEqual(
      dataset.columns.map((column) => column.name),
    );
    expect(controls?.choices?.[0]?.event).toEqual({
      type: 'target.selected',
      column: dataset.columns[0]?.name,
    });
    expect(controls?.parseText?.('  PRICE ')).toEqual({ type: 'target.selected', column: 'price' });
    // Unknown text goes to the workflow as it is, so its guard explains what is accepted.
    expect(controls?.parseText?.('banana')).toEqual({ type: 'target.selected', column: 'banana' });
  });

  it('should offer every column but the target as features, and read lists and "all"', () => {
    const controls = defaultStepControls(
      view('ml_training', 'selecting_features', { dataset, target: 'price' }),
    );
    const others = dataset.columns.map((column) => column.name).filter((name) => name !== 'price');
    expect(controls?.multiSelect?.options.map((option) => option.value)).toEqual(others);
    expect(controls?.multiSelect?.submit(['rooms'])).toEqual({
      type: 'features.selected',
      columns: ['rooms'],
    });
    expect(controls?.parseText?.('Rooms, area')).toEqual({
      type: 'features.selected',
      columns: ['rooms', 'area'],
    });
    expect(controls?.parseText?.('all')).toEqual({ type: 'features.selected', columns: others });
  });

  it('should offer only the model types that suit the target', () => {
    const numeric = defaultStepControls(
      view('ml_training', 'confirming_model', { dataset, target: 'price' }),
    );
    const categorical = defaultStepControls(
      view('ml_training', 'confirming_model', { dataset, target: 'city' }),
    );
    const ids = (task: string) => modelTypes.filter((m) => m.task === task).map((m) => m.id);
    expect(numeric?.choices?.map((choice) => choice.event.modelType)).toEqual(ids('regression'));
    expect(categorical?.choices?.map((choice) => choice.event.modelType)).toEqual(
      ids('classification'),
    );
    expect(numeric?.choices?.[0]?.aliases).toEqual([ids('regression')[0]]);
  });

  it("should offer the session's models for prediction", () => {
    const models = exampleModels();
    const controls = defaultStepControls(view('ml_prediction', 'selecting_model', { models }));
    expect(controls?.choices?.map((choice) => choice.event)).toEqual(
      models.map((model) => ({ type: 'model.selected', modelId: model.modelId })),
    );
  });

  it('should offer the analyses, then a multi-select of the numeric columns', () => {
    const analysis = defaultStepControls(view('stats_analysis', 'selecting_analysis', { dataset }));
    expect(analysis?.choices?.map((choice) => choice.event.analysis)).toEqual(
      analysisTypes.map((type) => type.id),
    );
    const columns = defaultStepControls(view('stats_analysis', 'selecting_columns', { dataset }));
    expect(columns?.multiSelect?.options.map((option) => option.value)).toEqual(
      dataset.columns.filter((column) => column.type === 'number').map((column) => column.name),
    );
  });

  it('should offer the exploration commands and read "histogram price"', () => {
    const controls = defaultStepControls(view('data_exploration', 'exploring', { dataset }));
    expect(controls?.choices?.map((choice) => choice.event)).toEqual([
      ...explorationCommands
        .filter((command) => command.column === 'optional')
        .map((command) => ({ type: 'explore', command: command.id })),
      { type: 'done' },
    ]);
    expect(controls?.parseText?.('histogram PRICE')).toEqual({
      type: 'explore',
      command: 'histogram',
      column: 'price',
    });
    expect(controls?.parseText?.('value-counts city')).toEqual({
      type: 'explore',
      command: 'value_counts',
      column: 'city',
    });
    expect(controls?.parseText?.('what is this')).toBeUndefined();
  });

  it('should give nothing for steps without choices and for unknown workflows', () => {
    expect(defaultStepControls(view('ml_training', 'awaiting_data', { dataset: null }))).toBe(
      undefined,
    );
    expect(defaultStepControls(view('my_workflow', 'step', {}))).toBeUndefined();
  });

  it('should not trust the shape of a context', () => {
    const hostile = JSON.parse('{"dataset": {"columns": "nope"}, "__proto__": {"x": 1}}');
    expect(defaultStepControls(view('ml_training', 'selecting_target', hostile))?.choices).toEqual(
      [],
    );
    expect(defaultStepControls(view('ml_prediction', 'selecting_model', null))?.choices).toEqual(
      [],
    );
    const broken = { dataset: { columns: [null, 7, { name: 'ok', type: 'number' }] } };
    expect(
      defaultStepControls(view('ml_training', 'selecting_target', broken))?.choices?.map(
        (choice) => choice.label,
      ),
    ).toEqual(['ok']);
    expect(
      defaultStepControls(view('ml_prediction', 'selecting_model', { models: [null, {}] }))
        ?.choices,
    ).toEqual([]);
  });
});
