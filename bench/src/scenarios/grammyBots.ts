/**
 * Scenario 3: the training workflow in a grammY bot on Redis, driven through
 * `bot.handleUpdate` with the Bot API answered in process. chatflow's grammY
 * middleware against the same workflow written with grammY's conversations plugin
 * (`@grammyjs/storage-redis`) and as a hand-written `session()` state machine on the
 * same Redis adapter.
 */
import { botSession } from '../grammy/botSession.ts';
import { chatflowBotVariant } from '../grammy/chatflowBotVariant.ts';
import { conversationBot } from '../grammy/conversationBot.ts';
import { fakeTelegram } from '../grammy/fakeTelegram.ts';
import { sessionBot } from '../grammy/sessionBot.ts';
import { BENCH_KEY_PREFIX, connectRedis, deleteKeys } from '../redis.ts';
import { ScenarioRecorder } from '../ScenarioRecorder.ts';
import { measureStepVariants } from '../steps/measureStepVariants.ts';
import { ratioTarget } from '../targets.ts';
import type { Scenario } from '../types.ts';
import { loadTrainingMachine } from '../workload.ts';

/** @see the file comment. */
export const grammyBotsScenario: Scenario = {
  id: 'grammy-bots',
  title: 'grammY bot on Redis',
  async run(context) {
    const recorder = new ScenarioRecorder(this.id, this.title);
    if (context.redisUnavailable) {
      recorder.unavailable('every variant', context.redisUnavailable);
      return recorder.result();
    }
    const redis = connectRedis(context.redisUrl);
    recorder.note(
      'Each session: /train, a CSV document, the target, the features, the model type; 5 accepted steps as in the other scenarios. Latency percentiles cover the 4 updates after /train. The Bot API is a fake fetch passed as the client fetch, so calls made inside conversations are answered too.',
    );
    const loaded = await loadTrainingMachine();
    try {
      for (const concurrency of [1, 64]) {
        const sessions = context.quick ? 10 : concurrency === 1 ? 100 : 300;
        recorder.parameters[`sessionsPerRun.c${concurrency}`] = sessions;
        await measureStepVariants(recorder, context, concurrency, [
          {
            name: 'conversations',
            label: 'grammY conversations plugin (Redis storage)',
            side: 'baseline',
            sessions,
            prepare: async (run) => {
              const telegram = fakeTelegram();
              const bot = conversationBot(
                redis,
                `${BENCH_KEY_PREFIX}:conv:${run}:`,
                telegram.fetch,
              );
              return { runSession: botSession({ bot, firstChatId: 1_000_000 }) };
            },
          },
          {
            name: 'session',
            label: 'hand-written grammY session() machine (Redis storage)',
            side: 'baseline',
            sessions,
            prepare: async (run) => {
              const telegram = fakeTelegram();
              const bot = sessionBot(redis, `${BENCH_KEY_PREFIX}:session:${run}:`, telegram.fetch);
              return { runSession: botSession({ bot, firstChatId: 1_000_000 }) };
            },
          },
          chatflowBotVariant({
            name: 'chatflow',
            label: 'chatflow grammY middleware (Redis store)',
            sessions,
            loaded,
            redisUrl: context.redisUrl,
          }),
        ]);
        await deleteKeys(redis, `*${BENCH_KEY_PREFIX}*`);
      }
    } finally {
      await deleteKeys(redis, `*${BENCH_KEY_PREFIX}*`);
      redis.disconnect();
    }
    for (const concurrency of [1, 64]) {
      const reason = recorder.reasonFor(
        `chatflow grammY middleware (Redis store), ${concurrency} in flight`,
      );
      const chatflow = recorder.get(`chatflow.stepsPerSecond.c${concurrency}`);
      recorder.target(
        ratioTarget({
          id: `grammy.c${concurrency}.vsConversations`,
          label: `${concurrency} in flight, steps/s vs grammY conversations`,
          chatflow,
          baseline: recorder.get(`conversations.stepsPerSecond.c${concurrency}`),
          kind: 'atLeast',
          bound: 5,
          unavailableReason: reason,
        }),
      );
      recorder.target(
        ratioTarget({
          id: `grammy.c${concurrency}.vsSession`,
          label: `${concurrency} in flight, steps/s vs hand-written session() machine`,
          chatflow,
          baseline: recorder.get(`session.stepsPerSecond.c${concurrency}`),
          kind: 'atLeast',
          bound: 1.5,
          unavailableReason: reason,
        }),
      );
    }
    return recorder.result();
  },
};
