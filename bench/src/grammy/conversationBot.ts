/**
 * Baseline: the ML training workflow written with grammY's conversations plugin, its
 * state in Redis through `@grammyjs/storage-redis`. Every update replays the
 * conversation function from its start against the stored log.
 */
import {
  type Conversation,
  type ConversationFlavor,
  conversations,
  createConversation,
} from '@grammyjs/conversations';
import { RedisAdapter } from '@grammyjs/storage-redis';
import { Bot, type Context } from 'grammy';
import type { Redis } from 'ioredis';
import { botInfo } from './fakeTelegram.ts';
import {
  datasetOf,
  parseFeatures,
  parseModelType,
  parseTarget,
  trainInstantly,
  trainingPrompts,
} from './trainingSteps.ts';

type OuterContext = ConversationFlavor<Context>;
type TrainingConversation = Conversation<OuterContext, Context>;

async function training(conversation: TrainingConversation, ctx: Context): Promise<void> {
  await ctx.reply(trainingPrompts.awaiting_data);
  const upload = await conversation.waitUntil(
    (c) => datasetOf(c.message?.document?.file_name) !== undefined,
    { otherwise: (c) => c.reply(trainingPrompts.awaiting_data) },
  );
  const dataset = datasetOf(upload.message?.document?.file_name)!;
  await upload.reply(trainingPrompts.selecting_target);
  const targetCtx = await conversation.waitUntil(
    (c) => parseTarget(dataset, c.message?.text ?? '') !== undefined,
    { otherwise: (c) => c.reply(trainingPrompts.selecting_target) },
  );
  const target = parseTarget(dataset, targetCtx.message?.text ?? '')!;
  await targetCtx.reply(trainingPrompts.selecting_features);
  const featuresCtx = await conversation.waitUntil(
    (c) => parseFeatures(dataset, target, c.message?.text ?? '') !== undefined,
    { otherwise: (c) => c.reply(trainingPrompts.selecting_features) },
  );
  const features = parseFeatures(dataset, target, featuresCtx.message?.text ?? '')!;
  await featuresCtx.reply(trainingPrompts.confirming_model);
  const modelCtx = await conversation.waitUntil(
    (c) => parseModelType(dataset, target, c.message?.text ?? '') !== undefined,
    { otherwise: (c) => c.reply(trainingPrompts.confirming_model) },
  );
  const modelType = parseModelType(dataset, target, modelCtx.message?.text ?? '')!;
  await modelCtx.reply(trainingPrompts.training);
  const model = await conversation.external(() => trainInstantly());
  await modelCtx.reply(
    `${trainingPrompts.complete} ${model.modelId}: ${modelType} on ${features.length} features`,
  );
}

/**
 * A bot whose `/train` enters the training conversation; conversation state is kept in
 * Redis under `${prefix}<chat id>`.
 *
 * @example
 * ```ts
 * const bot = conversationBot(redis, 'bench:conv:', telegram.fetch);
 * await bot.handleUpdate(textUpdate(7, '/train'));
 * ```
 */
export function conversationBot(
  redis: Redis,
  prefix: string,
  fetch: typeof globalThis.fetch,
): Bot<OuterContext> {
  const bot = new Bot<OuterContext>('1000001:bench', { botInfo, client: { fetch } });
  bot.use(
    conversations<OuterContext, Context>({
      storage: {
        type: 'key',
        prefix,
        adapter: new RedisAdapter({ instance: redis }),
      },
    }),
  );
  bot.use(createConversation(training, 'training'));
  bot.command('train', (ctx) => ctx.conversation.enter('training'));
  return bot;
}
