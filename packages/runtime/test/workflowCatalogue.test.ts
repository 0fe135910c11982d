import { describe, expect, it } from 'vitest';
import { fromPromise } from 'xstate';
import type { WorkflowRecord } from '../src/sessionRecord.ts';
import {
  prepareWorkflows,
  promptOf,
  stateName,
  upgradeWorkflow,
  workPlaceholder,
} from '../src/workflowCatalogue.ts';
import { counterWorkflow, fitWorkflow } from './support/fixtureWorkflows.ts';

const record = (version: number, value = 'counting'): WorkflowRecord => ({
  type: 'counter',
  version,
  instanceId: 'i',
  startedAt: 0,
  snapshot: { status: 'active', value, context: { total: 1, steps: [1] }, children: {} },
});

describe('prepareWorkflows', () => {
  it('should run only the actors a machine declares, each as work behind a placeholder', () => {
    const trainer = fromPromise(async () => ({ modelId: 'm', metrics: {}, coefficients: [] }));
    const catalogue = prepareWorkflows(
      { fit: fitWorkflow, counter: counterWorkflow },
      { fitModel: trainer, unrelated: trainer },
    );
    expect(catalogue.types).toEqual(['fit', 'counter']);
    const fit = catalogue.get('fit')!;
    expect(fit.work.get('fitModel')).toBe(trainer);
    expect([...fit.workSources]).toEqual(['fitModel']);
    const actors = fit.machine.implementations.actors as Record<string, unknown>;
    expect(actors.fitModel).toBe(workPlaceholder);
    expect(actors.unrelated).toBeUndefined();
    // A machine without actors is copied too: the catalogue never changes the host's.
    const counter = catalogue.get('counter')!;
    expect(counter.machine).not.toBe(counterWorkflow.machine);
    expect(counter.machine.config).toBe(counterWorkflow.machine.config);
    expect(Object.hasOwn(counterWorkflow.machine, 'getTransitionData')).toBe(false);
    expect(counter.work.size).toBe(0);
  });

  it("should keep the machine's own default for a declared actor the host does not give", () => {
    const catalogue = prepareWorkflows({ fit: fitWorkflow }, {});
    const defaults = fitWorkflow.machine.implementations.actors as Record<string, unknown>;
    expect(catalogue.get('fit')!.work.get('fitModel')).toBe(defaults.fitModel);
  });
});

describe('stateName and promptOf', () => {
  it('should name flat and nested states and read their prompt', () => {
    expect(stateName('counting')).toBe('counting');
    expect(stateName({ a: { b: 'c' } })).toBe('a.b.c');
    expect(promptOf(counterWorkflow.machine, 'counting')).toBe('Send numbers to add.');
    expect(promptOf(counterWorkflow.machine, 'nowhere')).toBe('');
  });
});

describe('upgradeWorkflow', () => {
  const catalogue = prepareWorkflows({ counter: { ...counterWorkflow, version: 3 } }, {});

  it('should keep a current workflow and reset one of another version without migration', () => {
    expect(upgradeWorkflow(catalogue, {}, record(3)).kind).toBe('current');
    expect(upgradeWorkflow(catalogue, {}, record(2)).kind).toBe('reset');
    expect(upgradeWorkflow(catalogue, {}, null)).toEqual({ kind: 'current', workflow: null });
  });

  it('should migrate with the migration registered for the stored version', () => {
    const outcome = upgradeWorkflow(
      catalogue,
      { counter: { 2: (snapshot) => ({ ...snapshot, context: { total: 2, steps: [2] } }) } },
      record(2),
    );
    expect(outcome).toMatchObject({
      kind: 'migrated',
      workflow: { version: 3, snapshot: { context: { total: 2 } } },
    });
  });

  it('should reset when the migration throws or lands in an unknown state', () => {
    const throwing = {
      counter: {
        2: () => {
          throw new Error('bad');
        },
      },
    };
    expect(upgradeWorkflow(catalogue, throwing, record(2)).kind).toBe('reset');
    const lost = { counter: { 2: (s: WorkflowRecord['snapshot']) => ({ ...s, value: 'gone' }) } };
    expect(upgradeWorkflow(catalogue, lost, record(2)).kind).toBe('reset');
    expect(upgradeWorkflow(catalogue, {}, record(3, 'gone')).kind).toBe('reset');
    expect(upgradeWorkflow(catalogue, {}, { ...record(3), type: 'removed' }).kind).toBe('reset');
  });
});
