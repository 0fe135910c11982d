import { mkdir } from 'node:fs/promises';
import { hostname } from 'node:os';
import { createStore } from '@chatflow/adapters';
import { workflows } from '@chatflow/machines';
import {
  createRuntime,
  loadConfig,
  type Runtime,
  type RuntimeConfigInput,
  sessionStoreSymbol,
} from '@chatflow/runtime';
import { createArtifactStore } from './artifactStore.ts';
import { createAnalyticsActors } from './createAnalyticsActors.ts';
import { createStatsBot, type StatsBot } from './createStatsBot.ts';
import { createStderrLogger, type LogLevel } from './createStderrLogger.ts';
import type { TrainingJob, TrainingJobResult } from './trainInWorker.ts';

/** Options of {@link openStatsBot}. */
export interface OpenStatsBotOptions {
  /** The session store: `sqlite://path`, `redis://host:port` or `memory`. */
  store: string;
  /** The data folder (created when missing). */
  dataDir: string;
  /**
   * Environment read for the runtime's `STATE_*` settings and `LOG_LEVEL`.
   * @default process.env
   */
  env?: Record<string, string | undefined>;
  /**
   * The least severe log level written to standard error (`LOG_LEVEL` overrides it).
   * @default 'error'
   */
  logLevel?: LogLevel;
  /**
   * The largest upload, in bytes.
   * @default 20 MB
   */
  maxUploadBytes?: number;
  /** Trains a model (default: in a worker thread). */
  train?: (job: TrainingJob, signal: AbortSignal) => Promise<TrainingJobResult & { ok: true }>;
}

/** A running stats bot: the core, its runtime, and how to stop both. */
export interface OpenedStatsBot {
  bot: StatsBot;
  runtime: Runtime;
  /** Stops the bot, waits for pending steps, closes the store. */
  close(): Promise<void>;
}

/** A day, then a week of grace: a chat left overnight resumes as it was. */
const botConfig: RuntimeConfigInput = {
  sessionTimeoutMinutes: 24 * 60,
  gracePeriodMinutes: 7 * 24 * 60,
};

/**
 * Opens everything the bot runs on: the store (SQLite in the data folder by default),
 * the runtime with the analytics actors, the artifact store for models and files, and
 * the bot core. Settings from `STATE_*` variables win over the bot's own defaults (a
 * day of idle time before a session expires, a week of grace to recover it).
 *
 * @example
 * ```ts
 * const { bot, close } = await openStatsBot({ store: 'sqlite://.data/sessions.db', dataDir: '.data' });
 * ```
 */
export async function openStatsBot(options: OpenStatsBotOptions): Promise<OpenedStatsBot> {
  const env = options.env ?? process.env;
  await mkdir(options.dataDir, { recursive: true });
  const store = createStore(options.store);
  const artifacts = createArtifactStore(store[sessionStoreSymbol]);
  const loaded = loadConfig({ env });
  const config: RuntimeConfigInput = {
    ...botConfig,
    maxHistoryMessages: loaded.maxHistoryMessages,
    cleanupIntervalMinutes: loaded.cleanupIntervalMinutes,
  };
  if (env.STATE_TIMEOUT_MINUTES) config.sessionTimeoutMinutes = loaded.sessionTimeoutMinutes;
  const level = (env.LOG_LEVEL as LogLevel | undefined) ?? options.logLevel ?? 'error';
  let runtime: Runtime | undefined;
  const actors = createAnalyticsActors({
    runtime: () => {
      if (!runtime) throw new Error('The runtime is not ready.');
      return runtime;
    },
    artifacts,
    ...(options.train ? { train: options.train } : {}),
  });
  runtime = createRuntime({
    workflows,
    store,
    config,
    actors,
    logger: createStderrLogger(level),
    // One name per machine, the same across restarts: a restarted bot takes over the
    // training its killed predecessor left at once instead of waiting out the lease.
    owner: process.env.STATS_BOT_OWNER ?? `stats-bot@${hostname()}`,
  });
  await runtime.start();
  const bot = createStatsBot({
    runtime,
    artifacts,
    ...(options.maxUploadBytes === undefined ? {} : { maxUploadBytes: options.maxUploadBytes }),
  });
  const opened = runtime;
  return {
    bot,
    runtime: opened,
    async close() {
      bot.close();
      await opened.shutdown();
      await store[sessionStoreSymbol].close();
    },
  };
}
