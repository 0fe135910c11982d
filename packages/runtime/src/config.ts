import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ConfigError } from './errors.ts';
import type { RuntimeConfig, RuntimeConfigInput } from './types.ts';

/** The defaults every {@link RuntimeConfig} field falls back to. */
export const defaultConfig: Readonly<RuntimeConfig> = Object.freeze({
  sessionTimeoutMinutes: 30,
  maxHistoryMessages: 50,
  maxConcurrentSessions: 1000,
  cleanupIntervalMinutes: 10,
  enableWorkflowRecovery: true,
  gracePeriodMinutes: 5,
  maxDataSizeMb: 100,
  persistence: Object.freeze({ enabled: false, backend: 'memory' as const }),
  workLeaseSeconds: 30,
  maxWorkAttempts: 3,
  maxHistoryTextLength: 4096,
  trustLiveSessions: true,
});

/** What each field accepts, in words, for error messages. */
const accepted: Record<string, string> = {
  sessionTimeoutMinutes: 'a number of minutes greater than 0',
  maxHistoryMessages: 'a whole number of at least 1',
  maxConcurrentSessions: 'a whole number of at least 1',
  cleanupIntervalMinutes: 'a number of minutes greater than 0',
  enableWorkflowRecovery: 'true or false',
  gracePeriodMinutes: 'a number of minutes of at least 0',
  maxDataSizeMb: 'a number of megabytes greater than 0',
  persistence: 'an object { enabled, backend, url }',
  'persistence.enabled': 'true or false',
  'persistence.backend': 'one of memory, sqlite, redis',
  'persistence.url': 'a string',
  workLeaseSeconds: 'a number of seconds of at least 1',
  maxWorkAttempts: 'a whole number of at least 1',
  maxHistoryTextLength: 'a whole number of characters of at least 64',
  trustLiveSessions: 'true or false',
};

const persistenceSchema = z.strictObject({
  enabled: z.boolean(),
  backend: z.enum(['memory', 'sqlite', 'redis']),
  url: z.string().optional(),
});

/** The zod schema of a complete {@link RuntimeConfig}. */
export const runtimeConfigSchema = z.strictObject({
  sessionTimeoutMinutes: z.number().positive().finite(),
  maxHistoryMessages: z.number().int().min(1),
  maxConcurrentSessions: z.number().int().min(1),
  cleanupIntervalMinutes: z.number().positive().finite(),
  enableWorkflowRecovery: z.boolean(),
  gracePeriodMinutes: z.number().min(0).finite(),
  maxDataSizeMb: z.number().positive().finite(),
  persistence: persistenceSchema,
  workLeaseSeconds: z.number().min(1).finite(),
  maxWorkAttempts: z.number().int().min(1),
  maxHistoryTextLength: z.number().int().min(64),
  trustLiveSessions: z.boolean(),
});

/** Shows a value in an error message, short. */
function show(value: unknown): string {
  let text: string;
  try {
    text = typeof value === 'string' ? JSON.stringify(value) : String(JSON.stringify(value));
  } catch {
    text = String(value);
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = input;
  for (const part of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<PropertyKey, unknown>)[part];
  }
  return current;
}

/**
 * Validates a complete config object; a bad value is a {@link ConfigError} naming the
 * field, the value and what is accepted. `sources` maps a field to where it came from
 * (an environment variable) for the message.
 */
function validate(candidate: unknown, sources: Record<string, string> = {}): RuntimeConfig {
  const result = runtimeConfigSchema.safeParse(candidate);
  if (result.success) {
    const { persistence, ...rest } = result.data;
    return {
      ...rest,
      persistence: {
        enabled: persistence.enabled,
        backend: persistence.backend,
        ...(persistence.url === undefined ? {} : { url: persistence.url }),
      },
    };
  }
  const issue = result.error.issues[0];
  const path = issue?.path ?? [];
  if (issue?.code === 'unrecognized_keys') {
    const parent = path.map(String).join('.');
    const keys = issue.keys.map((key) => (parent === '' ? key : `${parent}.${key}`));
    const field = keys[0] ?? parent;
    throw new ConfigError(
      field,
      `Unknown config field ${keys.map((key) => `"${key}"`).join(', ')}. Known fields: ${Object.keys(
        accepted,
      ).join(', ')}.`,
    );
  }
  const field = path.map(String).join('.');
  const source = sources[field];
  const where =
    source === undefined || source.startsWith(field) ? (source ?? field) : `${source} (${field})`;
  throw new ConfigError(
    field,
    `Invalid config: ${where} is ${show(valueAt(candidate, path))}; expected ${
      accepted[field] ?? issue?.message ?? 'a valid value'
    }.`,
  );
}

function mergeConfig(
  base: RuntimeConfig,
  overrides: Record<string, unknown> | undefined,
): Record<string, unknown> {
  if (overrides === undefined) return { ...base };
  const { persistence, ...rest } = overrides;
  const merged: Record<string, unknown> = { ...base, ...rest };
  if (persistence !== undefined) {
    merged.persistence =
      typeof persistence === 'object' && persistence !== null && !Array.isArray(persistence)
        ? { ...base.persistence, ...persistence }
        : persistence;
  }
  return merged;
}

/**
 * Merges a partial config over the defaults and validates it.
 *
 * @example
 * ```ts
 * const config = resolveConfig({ sessionTimeoutMinutes: 10 });
 * config.gracePeriodMinutes; // 5
 * ```
 * @throws ConfigError when a field has a value that is not accepted.
 */
export function resolveConfig(input: RuntimeConfigInput = {}): RuntimeConfig {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new ConfigError('config', `Invalid config: ${show(input)}; expected an object.`);
  }
  return validate(mergeConfig(defaultConfig, input as Record<string, unknown>));
}

/** The environment variables {@link loadConfig} reads, and the field each one sets. */
export const configEnvironmentVariables = {
  STATE_TIMEOUT_MINUTES: 'sessionTimeoutMinutes',
  STATE_MAX_HISTORY: 'maxHistoryMessages',
  STATE_MAX_HISTORY_TEXT: 'maxHistoryTextLength',
  STATE_CLEANUP_INTERVAL: 'cleanupIntervalMinutes',
  STATE_PERSISTENCE_ENABLED: 'persistence.enabled',
  STATE_PERSISTENCE_BACKEND: 'persistence.backend',
  STATE_PERSISTENCE_URL: 'persistence.url',
} as const;

const truthy = new Set(['true', '1', 'yes', 'on']);
const falsy = new Set(['false', '0', 'no', 'off']);

/** Reads one variable into the type its field takes; leaves a bad value for validation. */
function fromEnvironment(field: string, raw: string): unknown {
  const text = raw.trim();
  if (field === 'persistence.enabled') {
    const lower = text.toLowerCase();
    if (truthy.has(lower)) return true;
    if (falsy.has(lower)) return false;
    return text;
  }
  if (field === 'persistence.backend' || field === 'persistence.url') return text;
  const number = text === '' ? Number.NaN : Number(text);
  return Number.isNaN(number) ? text : number;
}

/** Options of {@link loadConfig}. */
export interface LoadConfigOptions {
  /**
   * The environment to read `STATE_*` variables from.
   * @default process.env
   */
  env?: Record<string, string | undefined>;
  /** A YAML file holding a partial {@link RuntimeConfig} (the same field names). */
  file?: string;
}

/**
 * Builds the runtime's config: environment variables over the YAML file over the
 * defaults. It reads `STATE_TIMEOUT_MINUTES`, `STATE_MAX_HISTORY`,
 * `STATE_MAX_HISTORY_TEXT` (characters), `STATE_CLEANUP_INTERVAL` (minutes),
 * `STATE_PERSISTENCE_ENABLED` (true/false, 1/0, yes/no), `STATE_PERSISTENCE_BACKEND`
 * (`memory`, `sqlite`, `redis`) and `STATE_PERSISTENCE_URL`.
 *
 * @example
 * ```ts
 * const config = loadConfig({ env: process.env, file: 'chatflow.yaml' });
 * const runtime = createRuntime({ workflows, config });
 * ```
 * @throws ConfigError naming the field, the value and what is accepted; also for a file
 * that cannot be read or parsed and for an unknown field in it.
 */
export function loadConfig(options: LoadConfigOptions = {}): RuntimeConfig {
  const env = options.env ?? process.env;
  let fromFile: Record<string, unknown> | undefined;
  if (options.file !== undefined) {
    let text: string;
    try {
      text = readFileSync(options.file, 'utf8');
    } catch (error) {
      throw new ConfigError('file', `Cannot read the config file ${options.file}.`, {
        cause: error,
      });
    }
    let parsed: unknown;
    try {
      parsed = parseYaml(text);
    } catch (error) {
      throw new ConfigError('file', `The config file ${options.file} is not valid YAML.`, {
        cause: error,
      });
    }
    if (parsed !== null && parsed !== undefined) {
      if (typeof parsed !== 'object' || Array.isArray(parsed)) {
        throw new ConfigError(
          'file',
          `The config file ${options.file} must hold a mapping of config fields.`,
        );
      }
      fromFile = parsed as Record<string, unknown>;
    }
  }
  const merged = mergeConfig(defaultConfig, fromFile);
  const sources: Record<string, string> = {};
  if (fromFile !== undefined) {
    for (const [field, value] of Object.entries(fromFile)) {
      sources[field] = `${field} in ${options.file}`;
      if (field === 'persistence' && typeof value === 'object' && value !== null) {
        for (const inner of Object.keys(value)) {
          sources[`persistence.${inner}`] = `persistence.${inner} in ${options.file}`;
        }
      }
    }
  }
  const persistence = { ...(merged.persistence as Record<string, unknown>) };
  for (const [variable, field] of Object.entries(configEnvironmentVariables)) {
    const raw = env[variable];
    if (raw === undefined) continue;
    sources[field] = variable;
    const value = fromEnvironment(field, raw);
    if (field.startsWith('persistence.')) persistence[field.slice('persistence.'.length)] = value;
    else merged[field] = value;
  }
  merged.persistence = persistence;
  return validate(merged, sources);
}
