import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createStore } from '@chatflow/adapters';
import { workflows } from '@chatflow/machines';
import {
  createRuntime,
  type Runtime,
  type RuntimeConfigInput,
  sessionStoreSymbol,
} from '@chatflow/runtime';
import { type ArtifactStore, createArtifactStore } from '../../src/artifactStore.ts';
import { createAnalyticsActors } from '../../src/createAnalyticsActors.ts';
import { createStatsBot, type StatsBot } from '../../src/createStatsBot.ts';
import { createStderrLogger } from '../../src/createStderrLogger.ts';
import type { TrainingJob } from '../../src/trainInWorker.ts';
import { runTrainingJob } from '../../src/trainingWorker.ts';
import type { ChatKey, Reply } from '../../src/types.ts';
import { dataFolder } from './runBot.ts';

/** A bot core on a real runtime and an in-memory store, training in this thread. */
export interface TestBot {
  bot: StatsBot;
  runtime: Runtime;
  artifacts: ArtifactStore;
  /** Replies sent without being asked, by chat. */
  later: Reply[];
  /** Sends text and returns the replies' texts joined. */
  say(text: string, key?: ChatKey): Promise<string>;
  /**
   * Sends text, waits for the work it started (an analysis, a training) and returns
   * every reply it led to: the immediate ones, then those sent later.
   */
  ask(text: string, key?: ChatKey): Promise<Reply[]>;
  /** Sends a sample data file (or any bytes under a name). */
  upload(name: string, bytes?: Uint8Array, key?: ChatKey): Promise<Reply[]>;
  close(): Promise<void>;
}

export const defaultKey: ChatKey = { userId: 7, conversationId: 'chat-1' };

/**
 * Opens a {@link TestBot}. Training runs in this thread unless `inWorker` is set (then
 * as in production, in a worker thread).
 */
export async function openTestBot(
  config: RuntimeConfigInput = {},
  options: { inWorker?: boolean } = {},
): Promise<TestBot> {
  const store = createStore('memory');
  const artifacts = createArtifactStore(store[sessionStoreSymbol]);
  let runtime: Runtime | undefined;
  const actors = createAnalyticsActors({
    runtime: () => runtime as Runtime,
    artifacts,
    ...(options.inWorker
      ? {}
      : {
          train: async (job: TrainingJob) => {
            const result = runTrainingJob(job);
            if (!result.ok) throw new Error(result.message);
            return result;
          },
        }),
  });
  runtime = createRuntime({
    workflows,
    store,
    actors,
    config,
    logger: createStderrLogger('silent'),
  });
  const bot = createStatsBot({ runtime, artifacts });
  const later: Reply[] = [];
  bot.onReply((_key, replies) => later.push(...replies));
  const opened = runtime;
  return {
    bot,
    runtime: opened,
    artifacts,
    later,
    async say(text, key = defaultKey) {
      const replies = await bot.handleMessage(key, { text });
      return replies.map((reply) => reply.text).join('\n');
    },
    async ask(text, key = defaultKey) {
      const from = later.length;
      const replies = await bot.handleMessage(key, { text });
      await bot.settled(key);
      return [...replies, ...later.slice(from)];
    },
    async upload(name, bytes, key = defaultKey) {
      const content = bytes ?? new Uint8Array(await readFile(join(dataFolder, name)));
      return bot.handleMessage(key, { file: { name, bytes: content } });
    },
    async close() {
      bot.close();
      await opened.shutdown();
    },
  };
}
