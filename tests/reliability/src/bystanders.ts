import { exampleDataset } from '@chatflow/machines';
import type { Runtime, SessionKey } from '@chatflow/runtime';
import { tableFromArrays } from 'apache-arrow';

/** Sessions that must not be touched by what a test does to others. */
export interface Bystanders {
  readonly keys: SessionKey[];
  /**
   * Everything each bystander holds (view, history, data), as JSON, read through
   * `reader` (the runtime that created them by default). A runtime holding a session
   * live answers from memory (`trustLiveSessions`), so to compare what the store holds,
   * read through a runtime that does not hold them live (a fresh one on the same store).
   */
  snapshot(reader?: Runtime): Promise<string>;
}

/**
 * Creates three sessions in different conditions, each with history: one halfway
 * through ML training with a data set, one exploring data, one with no workflow. Their
 * snapshot is compared before and after hostile input aimed at other sessions.
 *
 * @example
 * ```ts
 * const bystanders = await createBystanders(runtime, 'b');
 * const before = await bystanders.snapshot();
 * // ... hostile input on other sessions ...
 * expect(await bystanders.snapshot()).toBe(before);
 * ```
 */
export async function createBystanders(runtime: Runtime, prefix: string): Promise<Bystanders> {
  const keys: SessionKey[] = [
    { userId: `${prefix}-bystander-1`, conversationId: 'chat' },
    { userId: 7, conversationId: `${prefix}-bystander-2` },
    { userId: `${prefix}-bystander-3`, conversationId: 'chat:3' },
  ];
  const [training, exploring, idle] = keys as [SessionKey, SessionKey, SessionKey];
  for (const key of keys) {
    await runtime.getOrCreateSession(key);
    await runtime.addToHistory(key, { role: 'user', text: `hello from ${String(key.userId)}` });
  }
  await runtime.startWorkflow(training, 'ml_training');
  const dataset = await runtime.storeData(
    training,
    tableFromArrays({ price: Float64Array.from([1, 2]), rooms: Float64Array.from([3, 4]) }),
    { name: 'bystander.csv' },
  );
  await runtime.send(training, { type: 'data.uploaded', dataset });
  await runtime.send(training, { type: 'target.selected', column: 'price' });
  await runtime.startWorkflow(exploring, 'data_exploration');
  await runtime.send(exploring, { type: 'data.uploaded', dataset: exampleDataset() });
  await runtime.addToHistory(idle, { role: 'assistant', text: 'nothing running' });
  return {
    keys,
    async snapshot(reader = runtime) {
      const parts = [];
      for (const key of keys) {
        const view = await reader.getSession(key);
        const history = await reader.getHistory(key, 50);
        const data = await reader.getData(key);
        parts.push({ view, history, rows: data?.toArray().map((row) => row.toJSON()) ?? null });
      }
      return JSON.stringify(parts);
    },
  };
}

/**
 * The bystanders' snapshot as the store holds it: read through a runtime made by `open`
 * that holds none of them live (as after a restart), then shut down.
 *
 * @example
 * ```ts
 * const fresh = () => createRuntime({ workflows, store });
 * expect(await storedSnapshot(bystanders, fresh)).toBe(before);
 * ```
 */
export async function storedSnapshot(bystanders: Bystanders, open: () => Runtime): Promise<string> {
  const reader = open();
  try {
    return await bystanders.snapshot(reader);
  } finally {
    await reader.shutdown();
  }
}
