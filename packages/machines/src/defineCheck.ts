import type { RefusalMessage } from './types.ts';

/** A prerequisite of a step, as a guard and as the message that explains a refusal. */
export interface Check<TContext> {
  /** The guard: true exactly when the check finds nothing wrong. Never throws. */
  passes: (context: TContext, event: unknown) => boolean;
  /** What the user reads when the guard refused. Never throws. */
  refusal: RefusalMessage;
}

/**
 * Defines a prerequisite from one function that says what is wrong with an event in a
 * context (or `undefined` when nothing is). The guard and its refusal message come
 * from the same reasoning, so the message always names the reason of the refusal.
 *
 * @param problem - says what is wrong, in words for the user, or `undefined`
 * @param fallback - the message when `problem` cannot run (an unreadable context)
 * @returns the guard predicate and the refusal message
 * @example
 * ```ts
 * const isColumnOfDataset = defineCheck<MyContext>(
 *   (context, event) => (findColumn(context.dataset, ownField(event, 'column')) ? undefined : 'Choose a column.'),
 *   'Choose a column.',
 * );
 * ```
 */
export function defineCheck<TContext>(
  problem: (context: TContext, event: unknown) => string | undefined,
  fallback: string,
): Check<TContext> {
  return {
    passes: (context, event) => {
      try {
        return problem(context, event) === undefined;
      } catch {
        return false;
      }
    },
    refusal: ({ context, event }) => {
      try {
        return problem(context as TContext, event) ?? fallback;
      } catch {
        return fallback;
      }
    },
  };
}
