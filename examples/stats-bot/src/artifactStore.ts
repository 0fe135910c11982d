import type { SessionStore } from '@chatflow/runtime';

/** What the bot keeps beside the sessions: trained models and prediction files. */
export type ArtifactKind = 'model' | 'output';

/** A file the bot produced, kept so it can be sent again. */
export interface StoredOutput {
  name: string;
  bytes: Uint8Array;
}

/** Options of {@link createArtifactStore}. */
export interface ArtifactStoreOptions {
  /**
   * Prefix of every key written, apart from the runtime's own keys.
   * @default 'stats-bot:'
   */
  prefix?: string;
  /**
   * How long prediction files are kept, in milliseconds. Models are kept until the user
   * is forgotten.
   * @default 7 days
   */
  outputTtlMs?: number;
}

/**
 * Trained models (serialized JSON) and prediction files of each user, kept as blobs in
 * the same store as the sessions (SQLite file, Redis, memory), so that prediction works
 * after a restart and from any bot instance sharing a Redis store.
 */
export interface ArtifactStore {
  /** Saves a model's JSON under its id. */
  saveModel(userId: string | number, modelId: string, model: unknown): Promise<void>;
  /** Loads a model's JSON, or `undefined` when there is none. */
  loadModel(userId: string | number, modelId: string): Promise<unknown>;
  /** Saves a file the bot produced; returns its id. */
  saveOutput(userId: string | number, output: StoredOutput): Promise<string>;
  /** Loads a saved file, or `undefined` when it is gone. */
  loadOutput(userId: string | number, outputId: string): Promise<StoredOutput | undefined>;
  /** Deletes every model and file of a user; returns how many of each were deleted. */
  forgetUser(userId: string | number): Promise<{ models: number; outputs: number }>;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Creates the {@link ArtifactStore} over a chatflow `SessionStore` (the one
 * `@chatflow/adapters`' `createStore` carries under `sessionStoreSymbol`).
 *
 * @example
 * ```ts
 * const store = createStore('sqlite://.data/sessions.db');
 * const artifacts = createArtifactStore(store[sessionStoreSymbol]);
 * await artifacts.saveModel(42, model.modelId, model);
 * ```
 */
export function createArtifactStore(
  store: SessionStore,
  options: ArtifactStoreOptions = {},
): ArtifactStore {
  const prefix = options.prefix ?? 'stats-bot:';
  const outputTtlMs = options.outputTtlMs ?? 7 * 24 * 60 * 60 * 1000;
  const userPrefix = (userId: string | number): string =>
    `${prefix}${encodeURIComponent(String(userId))}:`;
  const keyOf = (userId: string | number, kind: ArtifactKind, id: string): string =>
    `${userPrefix(userId)}${kind}:${encodeURIComponent(id)}`;
  let outputCount = 0;

  return {
    async saveModel(userId, modelId, model) {
      const bytes = encoder.encode(JSON.stringify(model));
      await store.setBytes(keyOf(userId, 'model', modelId), bytes);
    },
    async loadModel(userId, modelId) {
      const bytes = await store.getBytes(keyOf(userId, 'model', modelId));
      return bytes === undefined ? undefined : (JSON.parse(decoder.decode(bytes)) as unknown);
    },
    async saveOutput(userId, output) {
      outputCount += 1;
      const id = `${Date.now().toString(36)}-${outputCount}-${output.name}`;
      const name = encoder.encode(output.name);
      const header = new Uint8Array(4);
      new DataView(header.buffer).setUint32(0, name.length);
      const bytes = new Uint8Array(4 + name.length + output.bytes.length);
      bytes.set(header, 0);
      bytes.set(name, 4);
      bytes.set(output.bytes, 4 + name.length);
      await store.setBytes(keyOf(userId, 'output', id), bytes, { ttlMs: outputTtlMs });
      return id;
    },
    async loadOutput(userId, outputId) {
      const bytes = await store.getBytes(keyOf(userId, 'output', outputId));
      if (bytes === undefined || bytes.length < 4) return undefined;
      const length = new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0);
      return {
        name: decoder.decode(bytes.subarray(4, 4 + length)),
        bytes: bytes.slice(4 + length),
      };
    },
    async forgetUser(userId) {
      const keys: string[] = [];
      for await (const key of store.keys(userPrefix(userId))) keys.push(key);
      const deleted = { models: 0, outputs: 0 };
      for (const key of keys) {
        if (!(await store.deleteBytes(key))) continue;
        if (key.startsWith(`${userPrefix(userId)}model:`)) deleted.models += 1;
        else deleted.outputs += 1;
      }
      return deleted;
    },
  };
}
