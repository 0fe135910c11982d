import type { AnyEventObject, AnyMachineSnapshot, AnyStateMachine } from 'xstate';
import { allStateNodes } from './getTransitionEdges.ts';
import type { EventSamples } from './types.ts';

/** The outcomes to try for one invoked actor. */
export interface InvokeSamples {
  /** Outputs the actor resolves to, each sent as `xstate.done.actor.<id>` with `output`. */
  output?: readonly unknown[] | ((snapshot: AnyMachineSnapshot) => readonly unknown[]);
  /** Errors the actor fails with, each sent as `xstate.error.actor.<id>` with `error`. */
  error?: readonly unknown[] | ((snapshot: AnyMachineSnapshot) => readonly unknown[]);
}

/** The `events` entries `invokeEvents` returns: XState's done and error events of invoked actors. */
export type InvokeEvents = Record<
  `xstate.done.actor.${string}` | `xstate.error.actor.${string}`,
  EventSamples<AnyMachineSnapshot, AnyEventObject>
>;

/**
 * Builds the `events` entries that drive a machine's invoked work: for each invoke id,
 * XState's `xstate.done.actor.<id>` events carrying the given outputs and
 * `xstate.error.actor.<id>` events carrying the given errors, shaped as XState sends
 * them (`{ type, output, actorId }`, `{ type, error, actorId }`). Spread the result into
 * the `events` of `generatePaths` or `createPathTests`.
 *
 * Throws on an id no invoke of the machine has, naming the ones it has.
 *
 * @example
 * ```ts
 * const events = {
 *   'model.confirmed': [{ type: 'model.confirmed', modelType: 'linear_regression' }],
 *   ...invokeEvents(mlTrainingMachine, {
 *     training: { output: [{ modelId: 'm1', metrics: { r2: 0.9 } }], error: [new Error('disk full')] },
 *   }),
 * };
 * // { 'model.confirmed': [...],
 * //   'xstate.done.actor.training': [{ type: 'xstate.done.actor.training', output: {...} }],
 * //   'xstate.error.actor.training': [{ type: 'xstate.error.actor.training', error: Error }] }
 * ```
 */
export function invokeEvents(
  machine: AnyStateMachine,
  samples: Record<string, InvokeSamples>,
): InvokeEvents {
  const ids = new Set(
    [machine.root, ...allStateNodes(machine.root)].flatMap((node) =>
      node.invoke.map((invoke) => invoke.id),
    ),
  );
  const events: InvokeEvents = {};
  for (const [id, { output, error }] of Object.entries(samples)) {
    if (!ids.has(id)) {
      throw new Error(
        `The machine "${machine.id}" invokes no actor with the id "${id}"; its invoke ids: ${[...ids].join(', ') || '(none)'}`,
      );
    }
    if (output !== undefined) {
      const type = `xstate.done.actor.${id}` as const;
      events[type] = mapSamples(output, (value) => ({ type, output: value, actorId: id }));
    }
    if (error !== undefined) {
      const type = `xstate.error.actor.${id}` as const;
      events[type] = mapSamples(error, (value) => ({ type, error: value, actorId: id }));
    }
  }
  return events;
}

function mapSamples(
  values: readonly unknown[] | ((snapshot: AnyMachineSnapshot) => readonly unknown[]),
  toEvent: (value: unknown) => AnyEventObject,
): EventSamples<AnyMachineSnapshot, AnyEventObject> {
  if (typeof values === 'function') {
    return (snapshot) => values(snapshot).map(toEvent);
  }
  const events = values.map(toEvent);
  return events;
}
