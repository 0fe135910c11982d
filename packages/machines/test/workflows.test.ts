import { describe, expect, it } from 'vitest';
import { exampleDataset, exampleModels } from '../src/fixtures.ts';
import { modelTypes } from '../src/modelTypes.ts';
import { workflows } from '../src/workflows.ts';

/** The guard names used on the transitions of user events, per machine. */
function userEventGuards(definition: (typeof workflows)[keyof typeof workflows]): string[] {
  const guards: string[] = [];
  for (const state of Object.values(definition.machine.states)) {
    for (const [eventType, transitions] of state.transitions) {
      if (eventType.startsWith('xstate.')) continue;
      for (const transition of transitions) {
        if (transition.guard !== undefined) guards.push(transition.guard as string);
      }
    }
  }
  return guards;
}

describe('workflows', () => {
  it('should key each workflow by its type, with its machine version', () => {
    expect(Object.keys(workflows).sort()).toEqual([
      'data_exploration',
      'ml_prediction',
      'ml_training',
      'stats_analysis',
    ]);
    for (const [type, definition] of Object.entries(workflows)) {
      expect(definition.type).toBe(type);
      expect(definition.version).toBe(1);
      expect(definition.machine.root.meta?.version).toBe(definition.version);
      expect(definition.label).toMatch(/\w/);
      expect(definition.description).toMatch(/\w/);
    }
  });

  it.each(Object.entries(workflows))(
    'should name every user-event guard of %s with one plain name that has a refusal message',
    (_type, definition) => {
      const guards = userEventGuards(definition);
      expect(guards.length).toBeGreaterThan(0);
      for (const guard of guards) expect(typeof guard).toBe('string');
      expect([...new Set(guards)].sort()).toEqual(Object.keys(definition.refusals).sort());
    },
  );

  it.each(Object.entries(workflows))(
    'should have a payload schema for exactly the user events of %s',
    (_type, definition) => {
      const accepted = new Set<string>();
      for (const state of Object.values(definition.machine.states)) {
        for (const eventType of state.transitions.keys()) {
          if (!eventType.startsWith('xstate.')) accepted.add(eventType);
        }
      }
      expect(Object.keys(definition.events).sort()).toEqual([...accepted].sort());
      for (const [type, schema] of Object.entries(definition.events)) {
        if (['back', 'cancel', 'done'].includes(type)) {
          expect(schema.safeParse({ type }).success).toBe(true);
        }
        expect(schema.safeParse({ type: 'other' }).success).toBe(false);
      }
    },
  );

  it('should validate data.uploaded payloads as data set descriptions', () => {
    const schema = workflows.ml_training.events['data.uploaded'];
    expect(schema?.safeParse({ type: 'data.uploaded', dataset: exampleDataset() }).success).toBe(
      true,
    );
    const duplicate = {
      ...exampleDataset(),
      columns: [
        { name: 'a', type: 'number' },
        { name: 'a', type: 'string' },
      ],
    };
    for (const dataset of [
      duplicate,
      { ...exampleDataset(), rowCount: -1 },
      { ...exampleDataset(), rowCount: 1.5 },
      { ...exampleDataset(), columns: [{ name: 'a', type: 'integer' }] },
      { ...exampleDataset(), id: '' },
      [1, 2, 3],
      null,
    ]) {
      expect(schema?.safeParse({ type: 'data.uploaded', dataset }).success).toBe(false);
    }
  });

  it('should refuse payloads of the wrong type and accept well-typed ones', () => {
    const explore = workflows.data_exploration.events.explore;
    expect(explore?.safeParse({ type: 'explore', command: 'head' }).success).toBe(true);
    expect(explore?.safeParse({ type: 'explore', command: 'head', column: 'price' }).success).toBe(
      true,
    );
    expect(explore?.safeParse({ type: 'explore', command: 5 }).success).toBe(false);
    const features = workflows.ml_training.events['features.selected'];
    expect(features?.safeParse({ type: 'features.selected', columns: [1, 2] }).success).toBe(false);
    const target = workflows.ml_training.events['target.selected'];
    expect(target?.safeParse({ type: 'target.selected', column: 'x'.repeat(10_240) }).success).toBe(
      false,
    );
  });
});

describe('modelTypes', () => {
  it('should offer two regression and two classification model types', () => {
    expect(modelTypes.map((modelType) => [modelType.id, modelType.task])).toEqual([
      ['linear_regression', 'regression'],
      ['random_forest_regression', 'regression'],
      ['logistic_regression', 'classification'],
      ['random_forest_classification', 'classification'],
    ]);
  });
});

describe('fixtures', () => {
  it('should give models whose features and targets are columns of the example data set', () => {
    const columns = new Map(exampleDataset().columns.map((column) => [column.name, column.type]));
    const models = exampleModels();
    expect(models.map((model) => model.modelType)).toEqual([
      'linear_regression',
      'logistic_regression',
    ]);
    for (const model of models) {
      expect(columns.has(model.target)).toBe(true);
      for (const feature of model.features) expect(columns.has(feature)).toBe(true);
      expect(model.datasetId).toBe(exampleDataset().id);
    }
    expect(columns.get(models[0]!.target)).toBe('number');
  });
});
