import {
  normalizeSessionKey,
  type Runtime,
  type SessionKey,
  StoreUnavailableError,
  sessionStorageKey,
} from '@chatflow/runtime';
import { createSeededRandom, type SeededRandom } from './seededRandom.ts';
import { nextTrainingMove } from './trainingDriver.ts';

/** What a session must hold after the traffic: the last acknowledged step of it. */
export interface AcknowledgedStep {
  key: SessionKey;
  sessionId: string;
  /** The stored revision must be at least this. */
  minRevision: number;
  state: string;
}

/** The counts of a traffic run. */
export interface TrafficFigures {
  /** Steps answered `ok: true`. */
  acknowledged: number;
  /** Steps refused (a user mistake, never expected from the driver). */
  refused: number;
  /** Calls that failed with `StoreUnavailableError`. */
  unavailable: number;
  /** The longest any failed call took to fail, in milliseconds. */
  slowestFailureMs: number;
  /** Anything else that went wrong (errors of other types, sessions reset). */
  problems: string[];
}

/** Options of {@link startTraffic}. */
export interface TrafficOptions {
  /**
   * The longest pause of a user between two moves, in milliseconds (each pause is drawn
   * between 0 and this).
   * @default 3
   */
  thinkMs?: number;
}

/** Traffic running against a runtime. */
export interface Traffic {
  readonly figures: TrafficFigures;
  /** The last acknowledged step of each session, by storage key. */
  readonly acknowledged: Map<string, AcknowledgedStep>;
  /** Resolves once `count` more steps were acknowledged after the call. */
  progress(count: number): Promise<void>;
  /** Stops every walker after its current call and resolves with the figures. */
  stop(): Promise<TrafficFigures>;
}

/**
 * Walks each session through ML training over and over, the way users would (each move
 * through `getOrCreateSession` first), until stopped: records every acknowledged step,
 * and every failure by kind. A failed call is followed by a short pause and a new try.
 *
 * @example
 * ```ts
 * const traffic = startTraffic(runtime, keys, random);
 * await traffic.progress(50);
 * const figures = await traffic.stop();
 * ```
 */
export function startTraffic(
  runtime: Runtime,
  keys: SessionKey[],
  random: SeededRandom,
  options: TrafficOptions = {},
): Traffic {
  const thinkMs = options.thinkMs ?? 3;
  const figures: TrafficFigures = {
    acknowledged: 0,
    refused: 0,
    unavailable: 0,
    slowestFailureMs: 0,
    problems: [],
  };
  const acknowledged = new Map<string, AcknowledgedStep>();
  const watchers: { target: number; resolve(): void }[] = [];
  let running = true;
  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  async function walk(key: SessionKey, walker: SeededRandom): Promise<void> {
    const id = sessionStorageKey(normalizeSessionKey(key));
    // Whether this walker's previous call failed with StoreUnavailableError (a write
    // that timed out may have gone through): named in a problem that follows it.
    let afterUnavailable = false;
    const problem = (text: string) =>
      figures.problems.push(
        afterUnavailable ? `${text} (right after a call refused as unavailable)` : text,
      );
    while (running) {
      await pause(walker.int(0, thinkMs));
      const started = performance.now();
      try {
        const view = await runtime.getOrCreateSession(key);
        if (view.reset !== undefined) problem(`${id} was reset: ${view.reset}`);
        const move = nextTrainingMove(view.workflow, walker, { back: 0.1, cancel: 0.02 });
        if (move.kind === 'wait') continue;
        const result =
          move.kind === 'start'
            ? await runtime.startWorkflow(key, 'ml_training')
            : await runtime.send(key, move.event);
        if (!result.ok) {
          figures.refused += 1;
          problem(`${id}: ${result.code} ${result.message}`);
          afterUnavailable = false;
          continue;
        }
        afterUnavailable = false;
        acknowledged.set(id, {
          key,
          sessionId: view.sessionId,
          minRevision: view.revision + 1,
          state: result.state,
        });
        figures.acknowledged += 1;
        for (const watcher of [...watchers]) {
          if (figures.acknowledged >= watcher.target) {
            watchers.splice(watchers.indexOf(watcher), 1);
            watcher.resolve();
          }
        }
      } catch (error) {
        const ms = performance.now() - started;
        figures.slowestFailureMs = Math.max(figures.slowestFailureMs, Math.round(ms));
        if (error instanceof StoreUnavailableError) {
          figures.unavailable += 1;
          afterUnavailable = true;
        } else {
          problem(`${id}: ${String(error)}`);
          afterUnavailable = false;
        }
        await pause(20);
      }
    }
  }

  const walkers = keys.map((key) => walk(key, createSeededRandom(random.fork())));
  return {
    figures,
    acknowledged,
    progress(count) {
      const target = figures.acknowledged + count;
      return new Promise((resolve) => watchers.push({ target, resolve }));
    },
    async stop() {
      running = false;
      await Promise.all(walkers);
      return figures;
    },
  };
}
