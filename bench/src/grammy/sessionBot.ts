/**
 * Baseline: the ML training workflow as a state machine written by hand on grammY's
 * `session()` plugin, its sessions in Redis through `@grammyjs/storage-redis`: a
 * `switch` on the stored step, the same checks, the same replies.
 */
import { RedisAdapter } from '@grammyjs/storage-redis';
import { Bot, type Context, type SessionFlavor, session } from 'grammy';
import type { Redis } from 'ioredis';
import { botInfo } from './fakeTelegram.ts';
import {
  type Dataset,
  datasetOf,
  parseFeatures,
  parseModelType,
  parseTarget,
  trainInstantly,
  trainingPrompts,
} from './trainingSteps.ts';

interface TrainingSession {
  step:
    | 'idle'
    | 'awaiting_data'
    | 'selecting_target'
    | 'selecting_features'
    | 'confirming_model'
    | 'complete';
  dataset?: Dataset;
  target?: string;
  features?: string[];
  modelType?: string;
  modelId?: string;
}

type SessionContext = Context & SessionFlavor<TrainingSession>;

/**
 * A bot with a hand-written training state machine in `ctx.session`, stored in Redis
 * under `${prefix}<chat id>`.
 *
 * @example
 * ```ts
 * const bot = sessionBot(redis, 'bench:session:', telegram.fetch);
 * await bot.handleUpdate(textUpdate(7, '/train'));
 * ```
 */
export function sessionBot(
  redis: Redis,
  prefix: string,
  fetch: typeof globalThis.fetch,
): Bot<SessionContext> {
  const bot = new Bot<SessionContext>('1000001:bench', { botInfo, client: { fetch } });
  bot.use(
    session({
      initial: (): TrainingSession => ({ step: 'idle' }),
      storage: new RedisAdapter<TrainingSession>({ instance: redis }),
      getSessionKey: (ctx) => (ctx.chatId === undefined ? undefined : `${prefix}${ctx.chatId}`),
    }),
  );
  bot.command('train', async (ctx) => {
    ctx.session = { step: 'awaiting_data' };
    await ctx.reply(trainingPrompts.awaiting_data);
  });
  bot.on('message:document', async (ctx) => {
    const dataset = datasetOf(ctx.message.document.file_name);
    if (ctx.session.step !== 'awaiting_data' || !dataset) {
      await ctx.reply(trainingPrompts.awaiting_data);
      return;
    }
    ctx.session = { step: 'selecting_target', dataset };
    await ctx.reply(trainingPrompts.selecting_target);
  });
  bot.on('message:text', async (ctx) => {
    const state = ctx.session;
    const text = ctx.message.text;
    switch (state.step) {
      case 'selecting_target': {
        const target = state.dataset && parseTarget(state.dataset, text);
        if (!target) return void (await ctx.reply(trainingPrompts.selecting_target));
        ctx.session = { ...state, step: 'selecting_features', target };
        return void (await ctx.reply(trainingPrompts.selecting_features));
      }
      case 'selecting_features': {
        const features =
          state.dataset && state.target && parseFeatures(state.dataset, state.target, text);
        if (!features) return void (await ctx.reply(trainingPrompts.selecting_features));
        ctx.session = { ...state, step: 'confirming_model', features };
        return void (await ctx.reply(trainingPrompts.confirming_model));
      }
      case 'confirming_model': {
        const modelType =
          state.dataset && state.target && parseModelType(state.dataset, state.target, text);
        if (!modelType) return void (await ctx.reply(trainingPrompts.confirming_model));
        await ctx.reply(trainingPrompts.training);
        const model = await trainInstantly();
        ctx.session = { ...state, step: 'complete', modelType, modelId: model.modelId };
        return void (await ctx.reply(
          `${trainingPrompts.complete} ${model.modelId}: ${modelType} on ${state.features?.length} features`,
        ));
      }
      default:
        await ctx.reply(trainingPrompts.awaiting_data);
    }
  });
  return bot;
}
