export type { InspectorRelay, InspectorRelayOptions } from './createInspectorRelay.ts';
export { createInspectorRelay } from './createInspectorRelay.ts';
