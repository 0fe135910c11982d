import type { AnyEventObject } from 'xstate';
import { describeEvent } from './describeEvent.ts';

/** What went wrong when a path was replayed against a real actor. */
export const ReplayFailure = {
  /** The actor reported an error (a throwing guard or action, a failed invoked actor). */
  ActorError: 'actor_error',
  /** The actor took other transitions than the path says. */
  Transition: 'transition',
  /** The actor is not in the state (value, status or context) the path says. */
  State: 'state',
  /** The actor's persisted snapshot could not be taken or written as JSON. */
  Persist: 'persist',
  /** The actor restored from the persisted JSON is not in the state it was persisted in. */
  Restore: 'restore',
} as const;

/** One of the {@link ReplayFailure} values. */
export type ReplayFailureCode = (typeof ReplayFailure)[keyof typeof ReplayFailure];

/** What a {@link PathReplayError} is built from. */
export interface PathReplayErrorDetails {
  /** The description of the path. */
  path: string;
  /** The step where the replay failed: 0 for the initial state, `n` after the path's `n`th event. */
  step: number;
  /** How many events the path has. */
  steps: number;
  /** The event of the failing step (`undefined` at the initial state). */
  event: AnyEventObject | undefined;
  /** What kind of difference it is. */
  code: ReplayFailureCode;
  /** What differed, in words. */
  detail: string;
}

/**
 * Thrown by `replayPath` (and a path test's `run()`) where a real actor does something
 * else than the path says. Its message names the path, the step and what differed:
 *
 * ```
 * Path "data.uploaded(houses) → target.selected(price) ⇒ selecting_features" failed at
 * step 2 of 2, target.selected(price): expected the transitions
 * [selecting_target --target.selected [isColumnOfDataset]--> selecting_features],
 * the actor took [selecting_target --target.selected [isColumnOfDataset]--> confirming_model]
 * ```
 */
export class PathReplayError extends Error {
  override readonly name = 'PathReplayError';
  readonly path: string;
  readonly step: number;
  readonly steps: number;
  readonly event: AnyEventObject | undefined;
  readonly code: ReplayFailureCode;
  readonly detail: string;

  constructor(details: PathReplayErrorDetails, options?: ErrorOptions) {
    const where = details.event
      ? `step ${details.step} of ${details.steps}, ${describeEvent(details.event)}`
      : 'the initial state';
    super(`Path "${details.path}" failed at ${where}: ${details.detail}`, options);
    this.path = details.path;
    this.step = details.step;
    this.steps = details.steps;
    this.event = details.event;
    this.code = details.code;
    this.detail = details.detail;
  }
}
