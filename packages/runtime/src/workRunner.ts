import type { Logger } from 'pino';
import { type AnyActorLogic, type AnyActorRef, createActor } from 'xstate';
import { copyValue } from './copyValue.ts';
import { truncateId } from './runtimeEvents.ts';
import type { InspectOption, WorkInfo } from './types.ts';

/** How a run of work ended. */
export type WorkOutcome = { ok: true; output: unknown } | { ok: false; error: unknown };

/** One run of invoked work in this runtime: one attempt of one piece of work. */
export interface WorkRun extends WorkInfo {
  storageKey: string;
  /** Set once the run ended; it stays here until its step is written. */
  outcome?: WorkOutcome;
}

/** What a run is started with. */
export interface WorkRunStart extends Omit<WorkRun, 'outcome'> {
  /** The actor logic to run (the host's trainer). */
  logic: AnyActorLogic;
  input: unknown;
  /** The id the work actor gets, for inspectors. */
  actorId: string;
}

/**
 * The invoked work a runtime runs: each run is an actor of its own (outside the
 * workflow actor, which holds only a placeholder), so it goes on when the session's
 * actor is evicted or rehydrated, and it is never started twice for one lease.
 */
export interface WorkRunner {
  /** Starts a run; its outcome is kept on the run and reported to `onSettled`. */
  start(run: WorkRunStart): WorkRun;
  /** The run of one attempt of a piece of work, if it runs (or ran) here. */
  get(workId: string, attempt: number): WorkRun | undefined;
  /** The runs of a session. */
  of(storageKey: string): WorkRun[];
  /** Stops a run (its outcome, if any, is dropped). */
  stop(run: WorkRun): void;
  /** Forgets a run whose outcome was written. */
  finish(run: WorkRun): void;
  /** Every run. */
  all(): WorkRun[];
  /** The run whose actor (or actor system) this is. */
  infoOf(actorOrSystem: unknown): WorkInfo | undefined;
  /** Runs still going (without an outcome). */
  readonly inFlight: number;
}

/** Options of {@link createWorkRunner}. */
export interface WorkRunnerOptions {
  logger: Logger;
  inspect: InspectOption | undefined;
  /** Called when a run ends (its outcome is set). */
  onSettled(run: WorkRun): void;
}

function runKey(workId: string, attempt: number): string {
  return `${workId}#${attempt}`;
}

/**
 * Creates the work runner of a runtime.
 *
 * @example
 * ```ts
 * const runner = createWorkRunner({ logger, inspect, onSettled: (run) => commitLater(run) });
 * runner.start({ ...lease, storageKey, key, sessionId, workflow, instanceId, logic, input, actorId });
 * ```
 */
export function createWorkRunner(options: WorkRunnerOptions): WorkRunner {
  const { logger, inspect, onSettled } = options;
  const runs = new Map<string, { run: WorkRun; actor: AnyActorRef }>();
  const systems = new WeakMap<object, WorkRun>();

  function settle(key: string, run: WorkRun, outcome: WorkOutcome): void {
    if (runs.get(key)?.run !== run || run.outcome !== undefined) return;
    run.outcome = outcome;
    onSettled(run);
  }

  function start(spec: WorkRunStart): WorkRun {
    const { logic, input, actorId, ...info } = spec;
    const key = runKey(info.workId, info.attempt);
    const existing = runs.get(key);
    if (existing !== undefined) return existing.run;
    const run: WorkRun = { ...info };
    const actor = createActor(logic, {
      input: copyValue(input),
      id: actorId,
      ...(inspect === undefined ? {} : { inspect }),
    });
    systems.set(actor.system, run);
    runs.set(key, { run, actor });
    actor.subscribe({
      next: (snapshot: { status?: string; output?: unknown }) => {
        if (snapshot.status === 'done') settle(key, run, { ok: true, output: snapshot.output });
      },
      error: (error: unknown) => settle(key, run, { ok: false, error }),
    });
    try {
      actor.start();
    } catch (error) {
      settle(key, run, { ok: false, error });
    }
    logger.info(
      {
        session: truncateId(run.sessionId),
        work: run.invokeId,
        attempt: run.attempt,
      },
      'chatflow work started',
    );
    return run;
  }

  function forget(run: WorkRun, stop: boolean): void {
    const key = runKey(run.workId, run.attempt);
    const entry = runs.get(key);
    if (entry?.run !== run) return;
    runs.delete(key);
    if (stop) entry.actor.stop();
  }

  return {
    start,
    get: (workId, attempt) => runs.get(runKey(workId, attempt))?.run,
    of(storageKey) {
      if (runs.size === 0) return [];
      return [...runs.values()]
        .map(({ run }) => run)
        .filter((run) => run.storageKey === storageKey);
    },
    stop: (run) => forget(run, true),
    finish: (run) => forget(run, false),
    all: () => [...runs.values()].map(({ run }) => run),
    infoOf(actorOrSystem) {
      if (typeof actorOrSystem !== 'object' || actorOrSystem === null) return undefined;
      const system = (actorOrSystem as { system?: unknown }).system ?? actorOrSystem;
      if (typeof system !== 'object' || system === null) return undefined;
      const run = systems.get(system);
      if (run === undefined) return undefined;
      return {
        key: { ...run.key },
        sessionId: run.sessionId,
        workflow: run.workflow,
        instanceId: run.instanceId,
        invokeId: run.invokeId,
        workId: run.workId,
        attempt: run.attempt,
      };
    },
    get inFlight() {
      let count = 0;
      for (const { run } of runs.values()) if (run.outcome === undefined) count += 1;
      return count;
    },
  };
}
