import type { AnyEventObject, AnyMachineSnapshot, AnyStateMachine, AnyStateNode } from 'xstate';
import { matchesDescriptor } from './createStepper.ts';
import { allStateNodes } from './getTransitionEdges.ts';
import type { EventSamples } from './types.ts';

type AnySamples = EventSamples<AnyMachineSnapshot, AnyEventObject>;

/** The `events` option, seen without the machine's types. */
export type SampleMap = Record<string, AnySamples | undefined>;

/**
 * Turns the `events` option into the events to try in a given snapshot: the samples of
 * every event type some active state node handles, and the bare `{ type }` for a
 * handled event type without samples. XState's own events are sent bare only when
 * that is how XState sends them (`xstate.after.*`): `xstate.done.actor.*`,
 * `xstate.error.actor.*` and the like carry a payload, so without samples they are not
 * sent (their edges show up as missing), and `xstate.done.state.*` is raised by the
 * machine itself.
 *
 * Throws when a key names an event type the machine never handles, or a sample's
 * `type` differs from its key: both are mistakes that would silently cost coverage.
 *
 * @example
 * ```ts
 * const sample = createEventSampler(mlTrainingMachine, {
 *   'data.uploaded': [{ type: 'data.uploaded', dataset }],
 * });
 * sample(initialSnapshot); // [{ type: 'data.uploaded', dataset }, { type: 'cancel' }]
 * ```
 */
export function createEventSampler(
  machine: AnyStateMachine,
  events: SampleMap,
): (snapshot: AnyMachineSnapshot) => AnyEventObject[] {
  const descriptors = new Set(
    [machine.root, ...allStateNodes(machine.root)].flatMap((node) => [...node.transitions.keys()]),
  );
  const entries = Object.entries(events).flatMap(([type, samples]) =>
    samples === undefined ? [] : [[type, samples] as const],
  );
  for (const [type] of entries) {
    if (![...descriptors].some((descriptor) => matchesDescriptor(type, descriptor))) {
      throw new Error(
        `The machine "${machine.id}" never handles the event type "${type}" given in \`events\`; it handles: ${[...descriptors].join(', ')}`,
      );
    }
  }
  const checked = (type: string, list: readonly AnyEventObject[]): AnyEventObject[] => {
    for (const event of list) {
      if (event.type !== type) {
        throw new Error(
          `A sample given for "${type}" has the type "${event.type}": ${JSON.stringify(event)}`,
        );
      }
    }
    return [...list];
  };
  for (const [type, samples] of entries) {
    if (typeof samples !== 'function') {
      checked(type, samples);
    }
  }
  const samplesOf = (type: string, samples: AnySamples, snapshot: AnyMachineSnapshot) =>
    checked(type, typeof samples === 'function' ? samples(snapshot) : samples);
  const given = new Map<string, AnySamples>(entries);

  return (snapshot) => {
    const handled = new Set(
      (snapshot._nodes as AnyStateNode[]).flatMap((node) => [...node.transitions.keys()]),
    );
    const result: AnyEventObject[] = [];
    const sent = new Set<string>();
    for (const descriptor of handled) {
      const samples = given.get(descriptor);
      if (samples) {
        result.push(...samplesOf(descriptor, samples, snapshot));
      } else if (sentBare(descriptor)) {
        result.push({ type: descriptor });
      }
      sent.add(descriptor);
    }
    for (const [type, samples] of given) {
      if (
        !sent.has(type) &&
        [...handled].some((descriptor) => matchesDescriptor(type, descriptor))
      ) {
        result.push(...samplesOf(type, samples, snapshot));
      }
    }
    return result;
  };
}

/** Whether an event type without samples is tried as the bare `{ type }`. */
function sentBare(descriptor: string): boolean {
  if (descriptor.includes('*')) {
    return false;
  }
  return !descriptor.startsWith('xstate.') || descriptor.startsWith('xstate.after.');
}
