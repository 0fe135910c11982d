/**
 * Runs the scenarios one after the other and assembles the report. A scenario that
 * throws is recorded as `failed` with its message; the run goes on.
 */
import { execFileSync } from 'node:child_process';
import { describeEnvironment } from './environment.ts';
import { canCollectGarbage, errorMessage } from './harness.ts';
import { DEFAULT_REDIS_URL, probeRedis } from './redis.ts';
import { scenarios as allScenarios } from './scenarios.ts';
import type { BenchReport, Scenario, ScenarioContext, ScenarioResult } from './types.ts';

/** Options of {@link runBench}. */
export interface RunBenchOptions {
  /**
   * Small sizes and few repetitions: proves every scenario runs, not how fast.
   * @default false
   */
  quick?: boolean;
  /** Ids of the scenarios to run; all of them when absent. */
  only?: readonly string[];
  /**
   * Measured repetitions of each figure.
   * @default 5 (1 in quick mode)
   */
  repetitions?: number;
  /**
   * Unmeasured warm-up runs of each figure.
   * @default 1 (0 in quick mode)
   */
  warmup?: number;
  /**
   * The Redis of the Redis scenarios (a dedicated database index).
   * @default 'redis://127.0.0.1:6379/11'
   */
  redisUrl?: string;
  /**
   * Progress messages.
   * @default none
   */
  log?: (message: string) => void;
  /** Only these variants of each comparison (e.g. `chatflow`), for profiling one side. */
  variants?: readonly string[];
  /** The scenarios to choose from (the benchmark's own list when absent). */
  scenarios?: readonly Scenario[];
}

/** The commit measured, marked `+uncommitted` when the chatflow sources differ from it. */
function gitCommit(): string {
  try {
    const git = (...args: string[]) => execFileSync('git', args, { encoding: 'utf8' }).trim();
    const head = git('rev-parse', '--short', 'HEAD');
    const root = git('rev-parse', '--show-toplevel');
    const changed = git('-C', root, 'status', '--porcelain', '--', 'packages', 'examples');
    return changed === '' ? head : `${head}+uncommitted`;
  } catch {
    return 'unavailable';
  }
}

/**
 * Runs the benchmark and returns its report (writing nothing).
 *
 * @example
 * ```ts
 * const report = await runBench({ quick: true, only: ['in-memory-steps'] });
 * ```
 */
export async function runBench(options: RunBenchOptions = {}): Promise<BenchReport> {
  const started = Date.now();
  const quick = options.quick ?? false;
  const log = options.log ?? (() => {});
  const redisUrl = options.redisUrl ?? DEFAULT_REDIS_URL;
  const redis = await probeRedis(redisUrl);
  const context: ScenarioContext = {
    quick,
    repetitions: options.repetitions ?? (quick ? 1 : 5),
    warmup: options.warmup ?? (quick ? 0 : 1),
    redisUrl,
    ...(redis.ok ? {} : { redisUnavailable: redis.reason }),
    ...(options.variants ? { variants: options.variants } : {}),
    log,
  };
  if (!canCollectGarbage())
    log('note: run node with --expose-gc for heap figures and GC between runs');

  const chosen = (options.scenarios ?? allScenarios).filter(
    (scenario) => !options.only || options.only.includes(scenario.id),
  );
  const results: ScenarioResult[] = [];
  for (const scenario of chosen) {
    log(`== ${scenario.title}`);
    const scenarioStart = Date.now();
    try {
      results.push(await scenario.run(context));
    } catch (error) {
      log(`   failed: ${errorMessage(error)}`);
      results.push({
        id: scenario.id,
        title: scenario.title,
        status: 'failed',
        durationMs: Date.now() - scenarioStart,
        parameters: {},
        measurements: [],
        targets: [],
        unavailable: [],
        notes: [],
        error: errorMessage(error),
      });
    }
  }

  const environment = describeEnvironment({
    redisServer: redis.ok ? redis.version : 'unavailable',
  });
  environment.versions['chatflow commit'] = gitCommit();
  return {
    schemaVersion: 1,
    mode: quick ? 'quick' : 'full',
    timestamp: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    settings: { repetitions: context.repetitions, warmup: context.warmup, redisUrl },
    environment,
    scenarios: results,
  };
}
