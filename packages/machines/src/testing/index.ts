export { createPathTests } from './createPathTests.ts';
export { describeEvent } from './describeEvent.ts';
export { generatePaths } from './generatePaths.ts';
export { getTransitionEdges } from './getTransitionEdges.ts';
export { type InvokeEvents, type InvokeSamples, invokeEvents } from './invokeEvents.ts';
export {
  PathReplayError,
  type PathReplayErrorDetails,
  ReplayFailure,
  type ReplayFailureCode,
} from './PathReplayError.ts';
export { replayPath } from './replayPath.ts';
export type {
  CoveredEdge,
  EdgeOutcome,
  EventSamples,
  GeneratedPaths,
  MachinePath,
  PathEvents,
  PathGenerationOptions,
  PathState,
  PathStep,
  PathTest,
  PathTestOptions,
  PathTests,
  ReplayOptions,
  TransitionCoverage,
  TransitionEdge,
} from './types.ts';
