import type { AnyStateMachine, AnyTransitionDefinition } from 'xstate';
import { leafStateNodes } from './workflowCatalogue.ts';

/** True when an event descriptor (`'a.b'`, `'a.*'`, `'*'`) covers an event type. */
export function matchesDescriptor(descriptor: string, eventType: string): boolean {
  if (descriptor === eventType || descriptor === '*') return true;
  if (descriptor.endsWith('.*')) return eventType.startsWith(descriptor.slice(0, -1));
  return false;
}

/** The state nodes that can handle an event: each active leaf, then its ancestors. */
function handlingNodes(machine: AnyStateMachine, value: unknown) {
  const nodes = [];
  const seen = new Set<string>();
  for (const leaf of leafStateNodes(machine, value)) {
    for (let node: typeof leaf | undefined = leaf; node !== undefined; node = node.parent) {
      if (seen.has(node.id)) continue;
      seen.add(node.id);
      nodes.push(node);
    }
  }
  return nodes;
}

/**
 * The user events a state accepts, from its state nodes' own transitions (the leaf's,
 * then its ancestors'), without XState's internal `xstate.*` events. Whether their
 * guards would pass is not considered.
 *
 * @example
 * ```ts
 * acceptedEvents(mlTrainingMachine, 'selecting_target'); // ['target.selected', 'back', 'cancel']
 * ```
 */
export function acceptedEvents(machine: AnyStateMachine, value: unknown): string[] {
  const events: string[] = [];
  for (const node of handlingNodes(machine, value)) {
    for (const descriptor of node.transitions.keys()) {
      if (descriptor === '' || descriptor.startsWith('xstate.')) continue;
      if (!events.includes(descriptor)) events.push(descriptor);
    }
  }
  return events;
}

/** The transitions that could take an event in a state, in the order XState tries them. */
export function candidateTransitions(
  machine: AnyStateMachine,
  value: unknown,
  eventType: string,
): AnyTransitionDefinition[] {
  const candidates: AnyTransitionDefinition[] = [];
  for (const node of handlingNodes(machine, value)) {
    const descriptors = [...node.transitions.keys()]
      .filter((descriptor) => !descriptor.startsWith('xstate.'))
      .filter((descriptor) => matchesDescriptor(descriptor, eventType))
      // XState tries the more specific descriptor first.
      .sort((a, b) => b.length - a.length);
    for (const descriptor of descriptors)
      candidates.push(...(node.transitions.get(descriptor) ?? []));
  }
  return candidates;
}
