export { attachSessionStore } from './attachSessionStore.ts';
export { createStore } from './createStore.ts';
export { createMemoryStore } from './memory/createMemoryStore.ts';
export {
  MemorySessionStore,
  type MemorySessionStoreOptions,
} from './memory/MemorySessionStore.ts';
export { parseStoreUrl, redactUrl, type StoreTarget } from './parseStoreUrl.ts';
export { defaultStoreOptions, resolveStoreOptions } from './resolveStoreOptions.ts';
export type { ChatflowStore, ResolvedStoreOptions, StoreOptions } from './types.ts';
