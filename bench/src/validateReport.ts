/**
 * Checks that a parsed `results/*.json` has the shape of a {@link BenchReport}, so CI
 * and the smoke test can tell a broken writer from a slow machine.
 */
import type { BenchReport } from './types.ts';

type Problems = string[];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function expectType(problems: Problems, where: string, value: unknown, type: string): boolean {
  const actual = Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value;
  if (actual !== type) {
    problems.push(`${where}: expected ${type}, got ${actual}`);
    return false;
  }
  return true;
}

function checkMeasurement(problems: Problems, where: string, m: unknown): void {
  if (!isRecord(m)) return void problems.push(`${where}: not an object`);
  for (const key of ['id', 'label', 'unit'])
    expectType(problems, `${where}.${key}`, m[key], 'string');
  if (m.side !== 'chatflow' && m.side !== 'baseline')
    problems.push(`${where}.side: ${String(m.side)}`);
  if (m.better !== 'higher' && m.better !== 'lower')
    problems.push(`${where}.better: ${String(m.better)}`);
  for (const key of ['median', 'min', 'max']) {
    if (expectType(problems, `${where}.${key}`, m[key], 'number') && !Number.isFinite(m[key])) {
      problems.push(`${where}.${key}: not finite`);
    }
  }
  if (expectType(problems, `${where}.samples`, m.samples, 'array')) {
    const samples = m.samples as unknown[];
    if (samples.length === 0) problems.push(`${where}.samples: empty`);
    if (!samples.every((s) => typeof s === 'number'))
      problems.push(`${where}.samples: not numbers`);
    if (
      typeof m.min === 'number' &&
      typeof m.max === 'number' &&
      typeof m.median === 'number' &&
      !(m.min <= m.median && m.median <= m.max)
    ) {
      problems.push(`${where}: median outside min–max`);
    }
  }
}

function checkTarget(problems: Problems, where: string, t: unknown): void {
  if (!isRecord(t)) return void problems.push(`${where}: not an object`);
  for (const key of ['id', 'label', 'target'])
    expectType(problems, `${where}.${key}`, t[key], 'string');
  if (t.chatflow !== null && !isRecord(t.chatflow))
    problems.push(`${where}.chatflow: not an object or null`);
  expectType(problems, `${where}.baselines`, t.baselines, 'array');
  if (t.ratio !== null && typeof t.ratio !== 'number')
    problems.push(`${where}.ratio: not a number or null`);
  if (t.met !== null && typeof t.met !== 'boolean')
    problems.push(`${where}.met: not a boolean or null`);
  if (t.met === null && typeof t.reason !== 'string')
    problems.push(`${where}: met is null without a reason`);
}

function checkScenario(problems: Problems, where: string, s: unknown): void {
  if (!isRecord(s)) return void problems.push(`${where}: not an object`);
  expectType(problems, `${where}.id`, s.id, 'string');
  expectType(problems, `${where}.title`, s.title, 'string');
  if (!['ok', 'partial', 'not_available', 'failed'].includes(String(s.status))) {
    problems.push(`${where}.status: ${String(s.status)}`);
  }
  expectType(problems, `${where}.durationMs`, s.durationMs, 'number');
  expectType(problems, `${where}.parameters`, s.parameters, 'object');
  for (const key of ['measurements', 'targets', 'unavailable', 'notes']) {
    expectType(problems, `${where}.${key}`, s[key], 'array');
  }
  const measurements: unknown[] = Array.isArray(s.measurements) ? s.measurements : [];
  for (const [i, m] of measurements.entries()) {
    checkMeasurement(problems, `${where}.measurements[${i}]`, m);
  }
  const targets: unknown[] = Array.isArray(s.targets) ? s.targets : [];
  for (const [i, t] of targets.entries()) checkTarget(problems, `${where}.targets[${i}]`, t);
  (Array.isArray(s.unavailable) ? s.unavailable : []).forEach((u, i) => {
    if (!isRecord(u) || typeof u.what !== 'string' || typeof u.reason !== 'string') {
      problems.push(`${where}.unavailable[${i}]: needs what and reason`);
    }
  });
  if (s.status === 'failed') expectType(problems, `${where}.error`, s.error, 'string');
  if (s.status === 'not_available' && Array.isArray(s.unavailable) && s.unavailable.length === 0) {
    problems.push(`${where}: not_available without a reason`);
  }
}

/**
 * The problems with `value` as a {@link BenchReport}: empty when it is one.
 *
 * @example
 * ```ts
 * const problems = validateReport(JSON.parse(readFileSync('results/latest.json', 'utf8')));
 * if (problems.length > 0) throw new Error(problems.join('\n'));
 * ```
 */
export function validateReport(value: unknown): string[] {
  const problems: Problems = [];
  if (!isRecord(value)) return ['report: not an object'];
  if (value.schemaVersion !== 1) problems.push(`schemaVersion: ${String(value.schemaVersion)}`);
  if (value.mode !== 'full' && value.mode !== 'quick') problems.push(`mode: ${String(value.mode)}`);
  if (expectType(problems, 'timestamp', value.timestamp, 'string')) {
    if (Number.isNaN(Date.parse(value.timestamp as string))) problems.push('timestamp: not a date');
  }
  expectType(problems, 'durationMs', value.durationMs, 'number');
  if (isRecord(value.settings)) {
    expectType(problems, 'settings.repetitions', value.settings.repetitions, 'number');
    expectType(problems, 'settings.warmup', value.settings.warmup, 'number');
  } else problems.push('settings: not an object');
  if (isRecord(value.environment)) {
    const env = value.environment;
    expectType(problems, 'environment.node', env.node, 'string');
    expectType(problems, 'environment.totalMemoryBytes', env.totalMemoryBytes, 'number');
    if (!isRecord(env.cpus)) problems.push('environment.cpus: not an object');
    if (!isRecord(env.versions)) problems.push('environment.versions: not an object');
    else {
      for (const name of ['xstate', 'keyv', 'grammy', 'redis-server', '@chatflow/runtime']) {
        expectType(problems, `environment.versions.${name}`, env.versions[name], 'string');
      }
    }
  } else problems.push('environment: not an object');
  if (expectType(problems, 'scenarios', value.scenarios, 'array')) {
    for (const [i, s] of (value.scenarios as unknown[]).entries()) {
      checkScenario(problems, `scenarios[${i}]`, s);
    }
  }
  return problems;
}

/** Narrows `value` to a {@link BenchReport}, or throws listing the problems. */
export function assertReport(value: unknown): asserts value is BenchReport {
  const problems = validateReport(value);
  if (problems.length > 0) throw new Error(`not a bench report:\n${problems.join('\n')}`);
}
