/**
 * The chatflow side of the grammY scenario: a bot using `@chatflow/adapters/grammy`'s
 * middleware on a runtime whose store is `createStore('redis://...')`.
 */
import type { StepVariant } from '../steps/measureStepVariants.ts';
import type { LoadedMachine } from '../workload.ts';

/** Options of {@link chatflowBotVariant}. */
export interface ChatflowBotVariantOptions {
  name: string;
  label: string;
  sessions: number;
  loaded: LoadedMachine;
  redisUrl: string;
}

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
    prepare: async () => {
      if (!options.loaded.ok) throw new Error(options.loaded.reason);
      const grammy = (await import('@chatflow/adapters/grammy')) as Record<string, unknown>;
      throw new Error(
        `@chatflow/adapters/grammy exports no middleware factory yet (exports: ${Object.keys(grammy).join(', ') || 'none'})`,
      );
    },
  };
}
