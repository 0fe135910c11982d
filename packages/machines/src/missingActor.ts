import { fromPromise, type PromiseActorLogic } from 'xstate';

/**
 * The default implementation of an invoked actor the host must provide: it rejects
 * with a message that says how to provide the real one, so a forgotten actor shows
 * up as `context.error` instead of silently doing nothing.
 *
 * @param name - the actor's name in `setup({ actors })`
 * @returns promise logic that always rejects
 * @example
 * ```ts
 * setup({ actors: { trainModel: missingActor<TrainModelOutput, TrainModelInput>('trainModel') } });
 * ```
 */
export function missingActor<TOutput, TInput>(name: string): PromiseActorLogic<TOutput, TInput> {
  return fromPromise<TOutput, TInput>(async () => {
    throw new Error(
      `No ${name} actor provided: pass one with machine.provide({ actors: { ${name} } }) or the runtime's actors option`,
    );
  });
}
