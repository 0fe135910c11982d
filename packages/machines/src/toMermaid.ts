import type { AnyStateMachine, AnyStateNode, AnyTransitionDefinition } from 'xstate';

/** The Mermaid id of a state node: its path, `.`-free, unique in the machine. */
function nodeId(node: AnyStateNode): string {
  return node.path.map((key) => key.replace(/[^A-Za-z0-9_]/g, '_')).join('__');
}

/** Names a guard as written in the machine: a named guard, or `and(...)`, `or(...)`, `not(...)`. */
function guardLabel(guard: unknown): string {
  if (typeof guard === 'string') return guard;
  if (typeof guard === 'function') {
    const combined: unknown = (guard as { guards?: unknown }).guards;
    if (Array.isArray(combined) && ['and', 'or', 'not'].includes(guard.name)) {
      return `${guard.name}(${combined.map(guardLabel).join(', ')})`;
    }
    return guard.name === '' ? 'guard' : guard.name;
  }
  if (typeof guard === 'object' && guard !== null && 'type' in guard) {
    return String((guard as { type: unknown }).type);
  }
  return 'guard';
}

/** Names the event of a transition: invoke results by the invoke's id, delays as `after`. */
function eventLabel(eventType: string, node: AnyStateNode): string {
  const prefixes: [string, string][] = [
    ['xstate.done.actor.', 'done'],
    ['xstate.error.actor.', 'error'],
    ['xstate.snapshot.', 'snapshot'],
  ];
  for (const [prefix, outcome] of prefixes) {
    if (eventType.startsWith(prefix)) return `${eventType.slice(prefix.length)} ${outcome}`;
  }
  if (eventType === `xstate.done.state.${node.id}`) return 'done';
  const delayed = /^xstate\.after\.(.+)\.[^.]*$/.exec(eventType);
  if (delayed !== null && eventType.endsWith(`.${node.id}`)) {
    return `after ${eventType.slice('xstate.after.'.length, -node.id.length - 1)}`;
  }
  if (eventType === '*') return 'any event';
  return eventType;
}

/** Renders the edges of one event's transitions, guard names in brackets, `else` after guarded ones. */
function edgeLines(
  node: AnyStateNode,
  label: string,
  transitions: readonly AnyTransitionDefinition[],
): string[] {
  const lines: string[] = [];
  let guarded = false;
  for (const transition of transitions) {
    let text = label;
    if (transition.guard !== undefined) {
      text += ` [${guardLabel(transition.guard)}]`;
      guarded = true;
    } else if (guarded) {
      text += ' [else]';
    }
    const source = node.parent === undefined ? 'any state' : nodeId(node);
    const targets = transition.target ?? [node];
    for (const target of targets) {
      lines.push(`${source} --> ${nodeId(target)} : ${text}`);
    }
  }
  return lines;
}

/** Renders a state node's children (declarations, initial arrows, final arrows), nested in blocks. */
function renderChildren(node: AnyStateNode, indent: string, lines: string[]): void {
  const children = Object.values(node.states as Record<string, AnyStateNode>).filter(
    (child) => child.type !== 'history',
  );
  if (node.type === 'compound') {
    const initial = node.initial.target[0];
    if (initial !== undefined) lines.push(`${indent}[*] --> ${nodeId(initial)}`);
  }
  for (const child of children) {
    if (child.path.length > 1) lines.push(`${indent}state "${child.key}" as ${nodeId(child)}`);
    if (child.type === 'compound' || child.type === 'parallel') {
      lines.push(`${indent}state ${nodeId(child)} {`);
      renderChildren(child, `${indent}  `, lines);
      lines.push(`${indent}}`);
    }
  }
  if (node.parent !== undefined) finalLines(node, indent, lines);
}

/** Renders the arrows from a state node's final children to `[*]`. */
function finalLines(node: AnyStateNode, indent: string, lines: string[]): void {
  for (const child of Object.values(node.states as Record<string, AnyStateNode>)) {
    if (child.type === 'final') lines.push(`${indent}${nodeId(child)} --> [*]`);
  }
}

/** Collects the transition edges of a state node and its descendants, in definition order. */
function collectEdges(node: AnyStateNode, lines: string[]): void {
  const own: string[] = [];
  for (const [eventType, transitions] of node.transitions) {
    own.push(...edgeLines(node, eventLabel(eventType, node), transitions));
  }
  if (node.always !== undefined && node.always.length > 0) {
    own.push(...edgeLines(node, 'always', node.always));
  }
  // transitions of the root apply in every state: noted as comments, the root has no box
  lines.push(...(node.parent === undefined ? own.map((line) => `%% ${line}`) : own));
  for (const child of Object.values(node.states as Record<string, AnyStateNode>)) {
    collectEdges(child, lines);
  }
}

/**
 * Renders a machine as a Mermaid `stateDiagram-v2`, read from the machine definition
 * itself: every state (nested states in blocks), the initial state, every transition
 * labelled with its event and its guard's name (`target.selected [isColumnOfDataset]`,
 * `[else]` for the fallback after guarded ones), the done and error edges of invoked
 * work (`training done`, `training error`), and final states to `[*]`. Parallel
 * regions are drawn as one block without region separators; transitions on the
 * machine's root, which apply in every state, are written as `%%` comments.
 *
 * @param machine - any XState v5 machine
 * @returns the diagram source, ending with a newline
 * @example
 * ```ts
 * const source = toMermaid(mlTrainingMachine);
 * // stateDiagram-v2
 * //   [*] --> awaiting_data
 * //   awaiting_data --> selecting_target : data.uploaded [hasUsableDataset]
 * ```
 */
export function toMermaid(machine: AnyStateMachine): string {
  const lines = ['stateDiagram-v2'];
  renderChildren(machine.root, '  ', lines);
  const edges: string[] = [];
  collectEdges(machine.root, edges);
  for (const edge of edges) lines.push(`  ${edge}`);
  finalLines(machine.root, '  ', lines);
  return `${lines.join('\n')}\n`;
}
