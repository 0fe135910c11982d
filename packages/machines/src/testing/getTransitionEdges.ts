import type { AnyStateMachine, AnyStateNode, AnyTransitionDefinition } from 'xstate';
import type { TransitionEdge } from './types.ts';

/** The edges of a machine with the look-ups that attribute an observed step to them. */
export interface EdgeTable {
  machine: AnyStateMachine;
  edges: TransitionEdge[];
  /** The taken edge of each transition definition of the machine. */
  byTransition: Map<AnyTransitionDefinition, TransitionEdge>;
  /** The refused edge of a state node for an event descriptor, when every candidate is guarded. */
  refused: Map<AnyStateNode, Map<string, TransitionEdge>>;
}

const tables = new WeakMap<AnyStateMachine, EdgeTable>();

/**
 * Lists every (state, event type, guard outcome) edge of a machine, read from its
 * definition: for each state node and each event type it handles (its `on`, the
 * `onDone` / `onError` of its invokes, its delayed and eventless transitions), one
 * `taken` edge per candidate transition, plus one `refused` edge when every candidate
 * is guarded.
 *
 * @example
 * ```ts
 * const edges = getTransitionEdges(mlTrainingMachine);
 * edges.map((edge) => edge.id);
 * // ['selecting_target --target.selected [isColumnOfDataset]--> selecting_features',
 * //  'selecting_target --target.selected [refused: isColumnOfDataset]', ...]
 * ```
 */
export function getTransitionEdges(machine: AnyStateMachine): TransitionEdge[] {
  return getEdgeTable(machine).edges.map((edge) => ({ ...edge }));
}

/** The edge table of a machine, built once per machine object. */
export function getEdgeTable(machine: AnyStateMachine): EdgeTable {
  const cached = tables.get(machine);
  if (cached) {
    return cached;
  }
  const table: EdgeTable = { machine, edges: [], byTransition: new Map(), refused: new Map() };
  const usedIds = new Map<string, number>();
  const uniqueId = (id: string): string => {
    const seen = (usedIds.get(id) ?? 0) + 1;
    usedIds.set(id, seen);
    return seen === 1 ? id : `${id} #${seen}`;
  };
  for (const node of [machine.root, ...allStateNodes(machine.root)]) {
    const source = nodeLabel(node);
    const groups: Array<[string, readonly AnyTransitionDefinition[]]> = [...node.transitions];
    if (node.always?.length) {
      groups.push(['', node.always]);
    }
    for (const [eventType, candidates] of groups) {
      const event = eventType === '' ? 'always' : eventType;
      for (const transition of candidates) {
        const guard = transition.guard === undefined ? null : guardLabel(transition.guard);
        const target = transition.target?.length
          ? transition.target.map(nodeLabel).join(', ')
          : source;
        const edge: TransitionEdge = {
          id: uniqueId(`${source} --${event}${guard ? ` [${guard}]` : ''}--> ${target}`),
          source,
          eventType,
          guard,
          outcome: 'taken',
          target,
        };
        table.edges.push(edge);
        table.byTransition.set(transition, edge);
      }
      const everyGuarded = candidates.every((transition) => transition.guard !== undefined);
      if (eventType !== '' && everyGuarded) {
        const guards = candidates.map((transition) => guardLabel(transition.guard)).join(', ');
        const edge: TransitionEdge = {
          id: uniqueId(`${source} --${event} [refused: ${guards}]`),
          source,
          eventType,
          guard: guards,
          outcome: 'refused',
          target: null,
        };
        table.edges.push(edge);
        let forNode = table.refused.get(node);
        if (!forNode) {
          forNode = new Map();
          table.refused.set(node, forNode);
        }
        forNode.set(eventType, edge);
      }
    }
  }
  tables.set(machine, table);
  return table;
}

/** Every state node below `node`, depth first, in document order. */
export function allStateNodes(node: AnyStateNode): AnyStateNode[] {
  return Object.values(node.states as Record<string, AnyStateNode>).flatMap((child) => [
    child,
    ...allStateNodes(child),
  ]);
}

/** A state node as edges name it: its path joined by `.`, or the machine id for the root. */
export function nodeLabel(node: AnyStateNode): string {
  return node.path.length === 0 ? node.machine.id : node.path.join('.');
}

/** A guard as edges name it: its name, or its combinators around their guards' names. */
export function guardLabel(guard: unknown): string {
  if (typeof guard === 'string') {
    return guard;
  }
  if (typeof guard === 'function') {
    const combined = (guard as { guards?: unknown[] }).guards;
    if (Array.isArray(combined)) {
      return `${guard.name}(${combined.map(guardLabel).join(', ')})`;
    }
    const stateValue = (guard as { stateValue?: unknown }).stateValue;
    if (stateValue !== undefined) {
      return `stateIn(${typeof stateValue === 'string' ? stateValue : JSON.stringify(stateValue)})`;
    }
    return guard.name ? guard.name : 'inline guard';
  }
  if (typeof guard === 'object' && guard !== null && 'type' in guard) {
    return String((guard as { type: unknown }).type);
  }
  return 'guard';
}
