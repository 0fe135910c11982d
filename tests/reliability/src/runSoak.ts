import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildMessage } from './childChannel.ts';
import { startChild } from './childProcess.ts';
import { startRedisServer } from './redisServer.ts';

/** Options of {@link runSoak}. */
export interface SoakOptions {
  /** How long the soak runs after warm-up. */
  durationMs: number;
  /** How long the warm-up lasts at least (every session must also have trained a model once). */
  warmUpMs: number;
  /**
   * Sessions served at once.
   * @default 10000
   */
  sessions?: number;
  /** The seed of the lanes' choices. */
  seed: number;
  /** Called with each progress report. */
  onProgress?: (message: ChildMessage) => void;
}

/** What a soak measured. */
export interface SoakFigures {
  sessions: number;
  liveSessions: number;
  steps: number;
  stepsMeasured: number;
  errors: number;
  firstError: string;
  heapWarm: number;
  heapEnd: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  seconds: number;
}

/**
 * Starts a redis-server of its own and a worker process (`--expose-gc`) that serves
 * many sessions through one runtime for the given time, and returns what it measured.
 *
 * @example
 * ```ts
 * const figures = await runSoak({ durationMs: 40_000, warmUpMs: 10_000, seed: 1 });
 * console.log(figures.p99Ms, figures.heapEnd / figures.heapWarm);
 * ```
 */
export async function runSoak(options: SoakOptions): Promise<SoakFigures> {
  const directory = mkdtempSync(join(tmpdir(), 'chatflow-soak-'));
  const redis = await startRedisServer({ dir: directory });
  const worker = startChild(new URL('./children/soakWorker.ts', import.meta.url), {
    nodeFlags: ['--expose-gc'],
    env: {
      CHATFLOW_STORE_URL: redis.url,
      CHATFLOW_SOAK_SESSIONS: String(options.sessions ?? 10_000),
      CHATFLOW_SOAK_MS: String(options.durationMs),
      CHATFLOW_SOAK_WARMUP_MS: String(options.warmUpMs),
      CHATFLOW_SOAK_SEED: String(options.seed),
    },
    ...(options.onProgress === undefined ? {} : { onMessage: options.onProgress }),
  });
  try {
    const done = await worker.waitFor(
      (message) => message.type === 'done',
      options.durationMs + 600_000,
    );
    return done as unknown as SoakFigures;
  } finally {
    worker.kill('SIGKILL');
    await worker.closed;
    await redis.stop();
    rmSync(directory, { recursive: true, force: true });
  }
}
