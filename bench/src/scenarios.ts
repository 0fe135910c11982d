/**
 * Every scenario of `pnpm bench`, in the order they run.
 */
import { csvIngestScenario } from './scenarios/csvIngest.ts';
import { dataStorageScenario } from './scenarios/dataStorage.ts';
import { grammyBotsScenario } from './scenarios/grammyBots.ts';
import { inMemoryStepsScenario } from './scenarios/inMemorySteps.ts';
import { pathGenerationScenario } from './scenarios/pathGeneration.ts';
import { redisStepsScenario } from './scenarios/redisSteps.ts';
import { sessionRetrievalScenario } from './scenarios/sessionRetrieval.ts';
import { sessionScaleScenario } from './scenarios/sessionScale.ts';
import type { Scenario } from './types.ts';

/** The scenarios, in run order. */
export const scenarios: readonly Scenario[] = [
  inMemoryStepsScenario,
  redisStepsScenario,
  grammyBotsScenario,
  sessionRetrievalScenario,
  sessionScaleScenario,
  pathGenerationScenario,
  csvIngestScenario,
  dataStorageScenario,
];
