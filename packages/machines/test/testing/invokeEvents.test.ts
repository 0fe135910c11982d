import { describe, expect, it } from 'vitest';
import { invokeEvents } from '../../src/testing/index.ts';
import { orderMachine } from './fixtures.ts';

describe('invokeEvents', () => {
  it("should build XState's done and error events of an invoke from outputs and errors", () => {
    const declined = new Error('declined');
    expect(
      invokeEvents(orderMachine, {
        submitter: { output: [{ receipt: 'r1' }, { receipt: 'r2' }], error: [declined] },
      }),
    ).toEqual({
      'xstate.done.actor.submitter': [
        { type: 'xstate.done.actor.submitter', output: { receipt: 'r1' }, actorId: 'submitter' },
        { type: 'xstate.done.actor.submitter', output: { receipt: 'r2' }, actorId: 'submitter' },
      ],
      'xstate.error.actor.submitter': [
        { type: 'xstate.error.actor.submitter', error: declined, actorId: 'submitter' },
      ],
    });
  });

  it('should leave out the outcome that is not given', () => {
    expect(
      Object.keys(invokeEvents(orderMachine, { submitter: { error: [new Error('x')] } })),
    ).toEqual(['xstate.error.actor.submitter']);
  });

  it('should pass the snapshot to outputs that depend on it', () => {
    const events = invokeEvents(orderMachine, {
      submitter: { output: (snapshot) => [{ receipt: `for-${snapshot.context.sku}` }] },
    });
    const samples = events['xstate.done.actor.submitter'];
    expect(typeof samples).toBe('function');
    const snapshot = orderMachine.resolveState({
      value: 'submitting',
      context: { items: [], sku: 'A1', express: false, receipt: null, error: null },
    });
    expect(typeof samples === 'function' ? samples(snapshot) : samples).toEqual([
      { type: 'xstate.done.actor.submitter', output: { receipt: 'for-A1' }, actorId: 'submitter' },
    ]);
  });

  it('should reject an id no invoke of the machine has, naming the ones it has', () => {
    expect(() => invokeEvents(orderMachine, { submit: { output: [1] } })).toThrow(
      'The machine "order" invokes no actor with the id "submit"; its invoke ids: submitter',
    );
  });
});
