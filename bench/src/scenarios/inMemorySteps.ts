/**
 * Scenario 1: persisted steps in memory. chatflow's runtime on its in-memory store
 * against a bare XState actor with no persistence (the limit) and the loop a user
 * writes by hand on an in-memory Keyv, 1 and 64 sessions in flight.
 */
import { Keyv } from 'keyv';
import { ScenarioRecorder } from '../ScenarioRecorder.ts';
import { bareActorSession } from '../steps/bareActorSession.ts';
import { chatflowStepVariant } from '../steps/chatflowStepVariant.ts';
import { keyvLoopSession } from '../steps/keyvLoopSession.ts';
import { measureStepVariants } from '../steps/measureStepVariants.ts';
import { ratioTarget, thresholdTarget } from '../targets.ts';
import type { Scenario } from '../types.ts';
import { loadTrainingMachine } from '../workload.ts';

/** @see the file comment. */
export const inMemoryStepsScenario: Scenario = {
  id: 'in-memory-steps',
  title: 'Persisted steps, in memory',
  async run(context) {
    const recorder = new ScenarioRecorder(this.id, this.title);
    const loaded = await loadTrainingMachine();
    if (!loaded.ok) {
      recorder.unavailable('every variant (they all run the ML training machine)', loaded.reason);
      return recorder.result();
    }
    const { machine } = loaded;
    const sessions = context.quick ? 30 : 800;
    recorder.parameters.sessionsPerRun = sessions;
    recorder.parameters.stepsPerSession = 5;
    recorder.note(
      'A step is an event sent until its new snapshot is stored; each chatflow session is getOrCreateSession, startWorkflow, 4 sends and the trainer finishing (5 steps); each Keyv-loop session is an initial set, 4 get-rehydrate-send-set rounds and a set after training. Latency percentiles cover the 4 user events.',
    );

    for (const concurrency of [1, 64]) {
      await measureStepVariants(recorder, context, concurrency, [
        {
          name: 'bare',
          label: 'bare XState actor, no persistence',
          side: 'baseline',
          sessions: sessions * 2,
          prepare: async () => ({ runSession: bareActorSession(machine) }),
        },
        {
          name: 'keyvLoop',
          label: 'hand-written Keyv loop (in-memory Keyv)',
          side: 'baseline',
          sessions,
          prepare: async (run) => {
            const keyv = new Keyv();
            return {
              runSession: keyvLoopSession(machine, keyv, `run${run}:`),
              close: async () => keyv.clear(),
            };
          },
        },
        chatflowStepVariant({
          name: 'chatflow',
          label: 'chatflow runtime, in-memory store',
          sessions,
          loaded,
          store: 'memory',
        }),
      ]);
    }

    const reason = recorder.reasonFor('chatflow runtime, in-memory store, 1 in flight');
    const chatflow = recorder.get('chatflow.stepsPerSecond.c1');
    recorder.target(
      ratioTarget({
        id: 'mem.c1.vsBare',
        label: '1 in flight, steps/s vs bare actor send',
        chatflow,
        baseline: recorder.get('bare.stepsPerSecond.c1'),
        kind: 'atLeast',
        bound: 0.5,
        unavailableReason: reason,
      }),
    );
    recorder.target(
      ratioTarget({
        id: 'mem.c1.vsKeyvLoop',
        label: '1 in flight, steps/s vs hand-written Keyv loop',
        chatflow,
        baseline: recorder.get('keyvLoop.stepsPerSecond.c1'),
        kind: 'atLeast',
        bound: 2,
        unavailableReason: reason,
      }),
    );
    recorder.target(
      thresholdTarget({
        id: 'mem.c1.p99',
        label: '1 in flight, p99 step latency',
        chatflow: recorder.get('chatflow.p99.c1'),
        kind: 'below',
        threshold: 50,
        unit: 'µs',
        context: [recorder.get('bare.p99.c1'), recorder.get('keyvLoop.p99.c1')],
        unavailableReason: reason,
      }),
    );
    return recorder.result();
  },
};
