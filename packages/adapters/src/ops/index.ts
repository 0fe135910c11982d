export {
  type ChatflowMetrics,
  type ChatflowMetricsOptions,
  createChatflowMetrics,
} from './createChatflowMetrics.ts';
export { createOpsHandler, type OpsHandler, type OpsHandlerOptions } from './createOpsHandler.ts';
export { createOpsServer, type OpsServer, type OpsServerOptions } from './createOpsServer.ts';
export {
  instrumentStore,
  type StoreOperation,
  type StoreTimingObserver,
} from './instrumentStore.ts';
