import type { WorkflowDefinition } from '@chatflow/machines';
import type { AnyStateMachine, AnyTransitionDefinition, EventObject } from 'xstate';

/** A guard as XState keeps it in a transition: a name, `{ type, params }` or a function. */
type GuardReference = unknown;

interface Verdict {
  pass: boolean;
  /** The named guards on the refusing path, outermost first. */
  names: string[];
}

interface GuardArgs {
  context: unknown;
  event: EventObject;
}

/** `and`, `or` and `not` guards carry their children in `guards` and a `check` function. */
interface HigherOrderGuard {
  (...args: unknown[]): unknown;
  check: (...args: unknown[]) => unknown;
  guards: GuardReference[];
  name: string;
}

function isHigherOrder(guard: unknown): guard is HigherOrderGuard {
  return (
    typeof guard === 'function' &&
    'check' in guard &&
    Array.isArray((guard as Partial<HigherOrderGuard>).guards)
  );
}

function evaluate(
  machine: AnyStateMachine,
  guard: GuardReference,
  args: GuardArgs,
  depth: number,
): Verdict {
  if (depth > 32) return { pass: false, names: [] };
  if (typeof guard === 'string' || (typeof guard === 'object' && guard !== null)) {
    const name = typeof guard === 'string' ? guard : String((guard as { type?: unknown }).type);
    const implementation = (machine.implementations.guards as Record<string, unknown>)[name];
    if (implementation === undefined) return { pass: false, names: [name] };
    const rawParams =
      typeof guard === 'object' ? (guard as { params?: unknown }).params : undefined;
    const params = typeof rawParams === 'function' ? rawParams(args) : rawParams;
    const inner =
      typeof implementation === 'function' && !isHigherOrder(implementation)
        ? {
            pass: Boolean((implementation as (a: GuardArgs, p: unknown) => unknown)(args, params)),
            names: [],
          }
        : evaluate(machine, implementation, args, depth + 1);
    return inner.pass ? inner : { pass: false, names: [name, ...inner.names] };
  }
  if (isHigherOrder(guard)) {
    const children = guard.guards.map((child) => () => evaluate(machine, child, args, depth + 1));
    if (guard.name === 'and') {
      for (const child of children) {
        const verdict = child();
        if (!verdict.pass) return verdict;
      }
      return { pass: true, names: [] };
    }
    if (guard.name === 'or') {
      let first: Verdict | undefined;
      for (const child of children) {
        const verdict = child();
        if (verdict.pass) return verdict;
        first ??= verdict;
      }
      return first ?? { pass: false, names: [] };
    }
    if (guard.name === 'not') {
      const verdict = children[0]?.() ?? { pass: true, names: [] };
      return { pass: !verdict.pass, names: [] };
    }
    // Another higher-order guard: XState's own check says pass or fail, with no names.
    return {
      pass: Boolean(guard.check({ machine }, args, { guards: guard.guards })),
      names: [],
    };
  }
  if (typeof guard === 'function') {
    return { pass: Boolean((guard as (a: GuardArgs) => unknown)(args)), names: [] };
  }
  return { pass: false, names: [] };
}

/**
 * Says why a step was refused when every transition for the event was refused by a
 * guard: the refusal message the workflow definition registers for the refusing guard
 * of the first candidate transition (the innermost named guard on the refusing path
 * that has one), or a generic sentence naming the guard when none is registered.
 *
 * @example
 * ```ts
 * explainRefusal(definition, machine, transitions, { context, event });
 * // 'Please upload data first: ...'
 * ```
 */
export function explainRefusal(
  definition: WorkflowDefinition,
  machine: AnyStateMachine,
  candidates: readonly AnyTransitionDefinition[],
  args: GuardArgs,
): string {
  let refusing: string[] | undefined;
  for (const transition of candidates) {
    if (transition.guard === undefined) continue;
    let verdict: Verdict;
    try {
      verdict = evaluate(machine, transition.guard, args, 0);
    } catch {
      verdict = { pass: false, names: [] };
    }
    if (!verdict.pass) {
      refusing = verdict.names;
      break;
    }
  }
  const names = refusing ?? [];
  for (const name of [...names].reverse()) {
    const refusal = Object.hasOwn(definition.refusals, name)
      ? definition.refusals[name]
      : undefined;
    if (refusal === undefined) continue;
    try {
      const message = refusal({ context: args.context, event: args.event });
      if (typeof message === 'string' && message !== '') return message;
    } catch {
      // a refusal that throws falls back to the generic sentence
    }
  }
  const name = names[names.length - 1] ?? names[0];
  return name === undefined
    ? 'This step cannot be taken yet: a condition of the workflow is not met.'
    : `This step cannot be taken yet: the check "${name}" did not pass.`;
}
