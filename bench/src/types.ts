/**
 * The shape of a benchmark run: what every scenario returns and what
 * `results/latest.json` holds.
 */

/** Which side of a comparison a measurement belongs to. */
export type Side = 'chatflow' | 'baseline';

/** Whether a larger or a smaller figure is the better one. */
export type Better = 'higher' | 'lower';

/** The median and the spread of one figure over the repetitions of a run. */
export interface Stat {
  median: number;
  min: number;
  max: number;
  /** One value per repetition, in the order they ran. */
  samples: number[];
}

/** One measured figure of a scenario. */
export interface Measurement extends Stat {
  /** Stable id within the scenario, e.g. `chatflow.stepsPerSecond.c1`. */
  id: string;
  /** Human label, e.g. `chatflow runtime, 1 in flight`. */
  label: string;
  side: Side;
  /** Unit of `median`, `min`, `max`, `samples`, e.g. `steps/s`, `µs`, `bytes`, `MB/s`. */
  unit: string;
  better: Better;
}

/** A part of a scenario that could not be measured, and why. */
export interface Unavailable {
  /** What was not measured, e.g. `chatflow runtime`. */
  what: string;
  reason: string;
}

/**
 * One target of the plan: a chatflow figure against a baseline (a ratio) or against
 * an absolute threshold.
 */
export interface TargetResult {
  id: string;
  /** What is compared, e.g. `in-memory, 1 in flight, vs bare actor send`. */
  label: string;
  /** The chatflow measurement's id, value and unit; `null` when it was not measured. */
  chatflow: { id: string; label: string; value: number; unit: string } | null;
  /** The baseline figure(s) compared against (empty for an absolute threshold). */
  baselines: { id: string; label: string; value: number; unit: string }[];
  /** chatflow / baseline for a ratio target (`null` for absolute targets or when unmeasured). */
  ratio: number | null;
  /** The target in words, e.g. `>= 0.5x`, `< 50 µs`. */
  target: string;
  /** Whether it was met; `null` when one side could not be measured. */
  met: boolean | null;
  /** Why `met` is `null`. */
  reason?: string;
}

/** Status of a scenario as a whole. */
export type ScenarioStatus = 'ok' | 'partial' | 'not_available' | 'failed';

/** What a scenario hands back. */
export interface ScenarioResult {
  id: string;
  title: string;
  status: ScenarioStatus;
  /** Wall time of the scenario in milliseconds. */
  durationMs: number;
  /** Parameters it ran with (session counts, concurrency, sizes). */
  parameters: Record<string, number | string | boolean>;
  measurements: Measurement[];
  targets: TargetResult[];
  unavailable: Unavailable[];
  /** Plain-language remarks worth keeping beside the figures. */
  notes: string[];
  /** The error message when `status` is `failed`. */
  error?: string;
}

/** What a scenario receives. */
export interface ScenarioContext {
  /** Small sizes, few repetitions: checks that the code runs, not how fast. */
  quick: boolean;
  /** Measured repetitions per figure (after the warm-up). */
  repetitions: number;
  /** Unmeasured warm-up runs per figure. */
  warmup: number;
  /** Redis URL the Redis scenarios use (a dedicated database index). */
  redisUrl: string;
  /** Why Redis cannot be used in this run; absent when it answered. */
  redisUnavailable?: string;
  /** Only these variants of each comparison run (all when absent): for profiling one side. */
  variants?: readonly string[];
  /** Progress messages (to stderr in the CLI). */
  log: (message: string) => void;
}

/** A benchmark scenario. */
export interface Scenario {
  id: string;
  title: string;
  run(context: ScenarioContext): Promise<ScenarioResult>;
}

/** Where the run happened. */
export interface Environment {
  node: string;
  platform: string;
  arch: string;
  osRelease: string;
  cpus: { model: string; count: number };
  totalMemoryBytes: number;
  /** Versions of the libraries and servers involved; `unavailable` when unknown. */
  versions: Record<string, string>;
}

/** The whole run, as written to `results/latest.json` (or `quick.json`). */
export interface BenchReport {
  schemaVersion: 1;
  mode: 'full' | 'quick';
  timestamp: string;
  durationMs: number;
  settings: { repetitions: number; warmup: number; redisUrl: string };
  environment: Environment;
  scenarios: ScenarioResult[];
}
