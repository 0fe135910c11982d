import type { Runtime, SessionKey, SessionView } from '@chatflow/runtime';
import type { SeededRandom } from './seededRandom.ts';
import { nextTrainingMove } from './trainingDriver.ts';

/**
 * Carries an ML training session on to `complete`, the way a user would (every call
 * through `getOrCreateSession` first), starting a workflow if none runs and waiting
 * while the model trains. Throws when a step is refused, the session was reset, or it
 * does not complete within `maxMoves` moves.
 *
 * @example
 * ```ts
 * const view = await driveToCompletion(runtime, key, random);
 * view.workflow?.state; // 'complete'
 * ```
 */
export async function driveToCompletion(
  runtime: Runtime,
  key: SessionKey,
  random: SeededRandom,
  maxMoves = 400,
): Promise<SessionView> {
  let started = false;
  for (let moves = 0; moves < maxMoves; moves++) {
    const view = await runtime.getOrCreateSession(key);
    if (view.reset !== undefined)
      throw new Error(`session ${JSON.stringify(key)} was reset: ${view.reset}`);
    const workflow = view.workflow;
    if (started && workflow?.done === true && workflow.state === 'complete') return view;
    const move = nextTrainingMove(workflow, random);
    if (move.kind === 'wait') {
      await new Promise((resolve) => setTimeout(resolve, 2));
      continue;
    }
    const result =
      move.kind === 'start'
        ? await runtime.startWorkflow(key, 'ml_training')
        : await runtime.send(key, move.event);
    if (!result.ok) throw new Error(`a step was refused: ${result.code} ${result.message}`);
    started = true;
  }
  throw new Error(`session ${JSON.stringify(key)} did not complete within ${maxMoves} moves`);
}
