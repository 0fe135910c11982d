/**
 * Scenario 6: path generation and replay for the four machines with
 * `@chatflow/machines/testing`: time to generate, number of paths, transition
 * coverage, and time to replay every path against a real actor (with a persist and
 * restore after each step, the helpers' default).
 */
import { errorMessage, nowNs, repeatRoundRobin, secondsSince } from '../harness.ts';
import { pathSetups } from '../paths/pathSamples.ts';
import { ScenarioRecorder } from '../ScenarioRecorder.ts';
import { thresholdTarget } from '../targets.ts';
import type { Scenario } from '../types.ts';

interface PathRun {
  generateMs: number;
  replayMs: number;
  paths: number;
  coverage: number;
  missing: string[];
}

/** @see the file comment. */
export const pathGenerationScenario: Scenario = {
  id: 'path-generation',
  title: 'Path generation and replay',
  async run(context) {
    const recorder = new ScenarioRecorder(this.id, this.title);
    let machines: typeof import('@chatflow/machines');
    let testing: typeof import('@chatflow/machines/testing');
    try {
      [machines, testing] = await Promise.all([
        import('@chatflow/machines'),
        import('@chatflow/machines/testing'),
      ]);
    } catch (error) {
      recorder.unavailable('every machine', errorMessage(error));
      return recorder.result();
    }
    const setups = pathSetups(machines, testing);
    const variants: Record<string, () => Promise<PathRun>> = {};
    for (const setup of setups) {
      variants[setup.name] = async () => {
        const start = nowNs();
        const generated = testing.generatePaths(setup.machine, setup.options as never);
        const generateMs = secondsSince(start) * 1000;
        const replayStart = nowNs();
        for (const path of generated.paths) {
          testing.replayPath(
            setup.machine,
            path,
            (setup.options.input === undefined ? {} : { input: setup.options.input }) as never,
          );
        }
        return {
          generateMs,
          replayMs: secondsSince(replayStart) * 1000,
          paths: generated.paths.length,
          coverage: generated.coverage.ratio * 100,
          missing: generated.coverage.missing,
        };
      };
    }
    const { results, errors } = await repeatRoundRobin(variants, {
      warmup: context.warmup,
      repetitions: context.repetitions,
      only: context.variants,
    });
    for (const setup of setups) {
      const runs = results[setup.name];
      if (!runs) {
        recorder.unavailable(setup.name, errors[setup.name] ?? 'no result');
        continue;
      }
      const base = { side: 'chatflow' as const };
      recorder.measure(
        {
          ...base,
          id: `${setup.name}.generateMs`,
          label: `${setup.name}: generatePaths`,
          unit: 'ms',
          better: 'lower',
        },
        runs.map((r) => r.generateMs),
      );
      recorder.measure(
        {
          ...base,
          id: `${setup.name}.replayMs`,
          label: `${setup.name}: replay every path`,
          unit: 'ms',
          better: 'lower',
        },
        runs.map((r) => r.replayMs),
      );
      recorder.measure(
        {
          ...base,
          id: `${setup.name}.paths`,
          label: `${setup.name}: paths`,
          unit: 'paths',
          better: 'higher',
        },
        runs.map((r) => r.paths),
      );
      recorder.measure(
        {
          ...base,
          id: `${setup.name}.coverage`,
          label: `${setup.name}: transition coverage`,
          unit: '%',
          better: 'higher',
        },
        runs.map((r) => r.coverage),
      );
      const missing = runs[0]?.missing ?? [];
      if (missing.length > 0) recorder.note(`${setup.name} misses: ${missing.join('; ')}`);
    }
    for (const setup of setups) {
      const coverage = recorder.get(`${setup.name}.coverage`);
      const time = recorder.get(`${setup.name}.generateMs`);
      const full = coverage !== undefined && coverage.min >= 100;
      const target = thresholdTarget({
        id: `paths.${setup.name}`,
        label: `${setup.name}: generation with 100% coverage`,
        chatflow: time,
        kind: 'below',
        threshold: 1000,
        unit: 'ms',
        context: [coverage],
        unavailableReason: recorder.reasonFor(setup.name),
      });
      recorder.target(
        target.met === true && !full
          ? { ...target, met: false, reason: `coverage ${coverage?.min.toFixed(1)}%, not 100%` }
          : target,
      );
    }
    return recorder.result();
  },
};
