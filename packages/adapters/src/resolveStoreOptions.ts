import { ConfigError } from '@chatflow/runtime';
import type { ResolvedStoreOptions, StoreOptions } from './types.ts';

/** The defaults of {@link StoreOptions}. */
export const defaultStoreOptions: Readonly<Omit<ResolvedStoreOptions, 'now'>> = {
  connectTimeoutMs: 2000,
  commandTimeoutMs: 2000,
  namespace: 'chatflow',
};

const namespacePattern = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;

function positiveMs(field: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new ConfigError(
      field,
      `Store option ${field} must be a positive number of milliseconds, got ${String(value)}.`,
    );
  }
  return value;
}

/**
 * Fills in the defaults of {@link StoreOptions} and checks every given value.
 *
 * @throws ConfigError naming the option and the value when one is not accepted.
 */
export function resolveStoreOptions(options: StoreOptions = {}): ResolvedStoreOptions {
  const namespace = options.namespace ?? defaultStoreOptions.namespace;
  if (typeof namespace !== 'string' || !namespacePattern.test(namespace)) {
    throw new ConfigError(
      'namespace',
      `Store option namespace must be 1 to 64 letters, digits or "_" starting with a letter, got ${JSON.stringify(String(namespace).slice(0, 80))}.`,
    );
  }
  if (options.now !== undefined && typeof options.now !== 'function') {
    throw new ConfigError('now', 'Store option now must be a function returning milliseconds.');
  }
  return {
    connectTimeoutMs: positiveMs(
      'connectTimeoutMs',
      options.connectTimeoutMs,
      defaultStoreOptions.connectTimeoutMs,
    ),
    commandTimeoutMs: positiveMs(
      'commandTimeoutMs',
      options.commandTimeoutMs,
      defaultStoreOptions.commandTimeoutMs,
    ),
    namespace,
    now: options.now ?? Date.now,
  };
}
