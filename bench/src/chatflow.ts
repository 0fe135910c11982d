/**
 * The chatflow packages, loaded when a scenario needs them so that one that is missing
 * or broken makes only the chatflow side of a scenario "not available" instead of
 * failing the run.
 */
import { errorMessage } from './harness.ts';

/** The three chatflow packages. */
export interface ChatflowModules {
  machines: typeof import('@chatflow/machines');
  runtime: typeof import('@chatflow/runtime');
  adapters: typeof import('@chatflow/adapters');
}

let cached: Promise<ChatflowModules> | undefined;

/**
 * Imports `@chatflow/machines`, `@chatflow/runtime` and `@chatflow/adapters` and checks
 * that the factories the benchmark calls are there.
 *
 * @throws Error naming what is missing.
 * @example
 * ```ts
 * const { runtime, machines } = await loadChatflow();
 * ```
 */
export function loadChatflow(): Promise<ChatflowModules> {
  cached ??= (async () => {
    const [machines, runtime, adapters] = await Promise.all([
      import('@chatflow/machines'),
      import('@chatflow/runtime'),
      import('@chatflow/adapters'),
    ]);
    const missing: string[] = [];
    if (typeof (runtime as Record<string, unknown>).createRuntime !== 'function') {
      missing.push('@chatflow/runtime createRuntime');
    }
    if (typeof (adapters as Record<string, unknown>).createStore !== 'function') {
      missing.push('@chatflow/adapters createStore');
    }
    if (typeof (machines as Record<string, unknown>).workflows !== 'object') {
      missing.push('@chatflow/machines workflows');
    }
    if (missing.length > 0) throw new Error(`not exported yet: ${missing.join(', ')}`);
    return { machines, runtime, adapters };
  })();
  return cached;
}

/** Why {@link loadChatflow} fails, or `undefined` when it works. */
export async function chatflowUnavailable(): Promise<string | undefined> {
  try {
    await loadChatflow();
    return undefined;
  } catch (error) {
    return errorMessage(error);
  }
}
