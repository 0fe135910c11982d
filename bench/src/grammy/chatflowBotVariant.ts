/**
 * The chatflow side of the grammY scenario: a bot using `@chatflow/adapters/grammy`'s
 * middleware on a runtime whose store is `createStore('redis://...')`. The document
 * handler returns the data set's description at once (no download, no parse), as the
 * baselines do; the session is over when the middleware announces the trained model.
 * Like the baselines it keeps no conversation history (the middleware's `history` option
 * is off). Each step carries its update's `update_id` (the middleware does that), written
 * in the step's own compare-and-set, which the baselines have no counterpart of.
 */
import type { ChatflowMiddlewareOptions } from '@chatflow/adapters/grammy';
import type { DatasetInfo } from '@chatflow/machines';
import { Bot } from 'grammy';
import { loadChatflow } from '../chatflow.ts';
import { BENCH_KEY_PREFIX } from '../redis.ts';
import type { StepVariant } from '../steps/measureStepVariants.ts';
import { benchDataset, type LoadedMachine } from '../workload.ts';
import { botSession } from './botSession.ts';
import { botInfo, fakeTelegram } from './fakeTelegram.ts';

/** Options of {@link chatflowBotVariant}. */
export interface ChatflowBotVariantOptions {
  name: string;
  label: string;
  sessions: number;
  loaded: LoadedMachine;
  redisUrl: string;
}

const completionTimeoutMs = 30_000;

/**
 * A {@link StepVariant} running chatflow's grammY middleware.
 *
 * @example
 * ```ts
 * chatflowBotVariant({ name: 'chatflow', label: 'chatflow middleware', sessions: 200, loaded, redisUrl });
 * ```
 */
export function chatflowBotVariant(options: ChatflowBotVariantOptions): StepVariant {
  return {
    name: options.name,
    label: options.label,
    side: 'chatflow',
    sessions: options.sessions,
    prepare: async (run) => {
      if (!options.loaded.ok) throw new Error(options.loaded.reason);
      const { runtime: runtimePackage, machines, adapters } = await loadChatflow();
      const grammy = await import('@chatflow/adapters/grammy');
      const completePrompt = machines.mlTrainingMachine.root.states.complete?.meta?.prompt;
      if (typeof completePrompt !== 'string') throw new Error('ML training has no complete prompt');

      const telegram = fakeTelegram();
      // Keys of their own per run, as the baselines have: every run's sessions start new
      // instead of finding the finished sessions of the run before under the same chat ids.
      const store = adapters.createStore(options.redisUrl, {
        namespace: `${BENCH_KEY_PREFIX}_${run}`,
      });
      const runtime = runtimePackage.createRuntime({
        workflows: machines.workflows,
        store,
        actors: options.loaded.actors,
      });
      const bot = new Bot('1000001:bench', { botInfo, client: { fetch: telegram.fetch } });
      const onDocument: ChatflowMiddlewareOptions['onDocument'] = async () =>
        structuredClone(benchDataset) as unknown as DatasetInfo;
      const chatflow = grammy.createChatflowMiddleware({
        runtime,
        workflows: machines.workflows,
        api: bot.api,
        onDocument,
        downloadFile: async () => new TextEncoder().encode('price,area\n1,2\n'),
      });
      bot.use(chatflow);

      const waiters = new Map<number, () => void>();
      const stopListening = telegram.onMessage((chatId, text) => {
        if (!text.includes(completePrompt)) return;
        waiters.get(chatId)?.();
        waiters.delete(chatId);
      });
      const waitForCompletion = (chatId: number) =>
        new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => {
            waiters.delete(chatId);
            reject(
              new Error(
                `chat ${chatId} was not told the model is trained within ${completionTimeoutMs} ms`,
              ),
            );
          }, completionTimeoutMs);
          timer.unref();
          waiters.set(chatId, () => {
            clearTimeout(timer);
            resolve();
          });
        });

      return {
        runSession: botSession({ bot, firstChatId: 1_000_000, waitForCompletion }),
        close: async () => {
          await chatflow.idle();
          chatflow.dispose();
          stopListening();
          await runtime.shutdown();
          await store[runtimePackage.sessionStoreSymbol].close();
        },
      };
    },
  };
}
