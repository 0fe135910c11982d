import type { RuntimeOptions } from '@chatflow/runtime';

/** The logger the runtime takes (a pino `Logger`). */
export type RuntimeLogger = NonNullable<RuntimeOptions['logger']>;

/** Log levels, least severe first, as pino names them. */
export const logLevels = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;

/** A pino level name, or `silent`. */
export type LogLevel = (typeof logLevels)[number] | 'silent';

/**
 * A logger with pino's calling convention (`logger.warn({ fields }, 'message')`) that
 * writes one JSON line per entry to standard error, so logs never mix with the console
 * chat or a script's transcript on standard output.
 *
 * @param level - the least severe level written. @default 'warn'
 * @param write - where lines go. @default process.stderr
 * @example
 * ```ts
 * const runtime = createRuntime({ workflows, logger: createStderrLogger('error') });
 * ```
 */
export function createStderrLogger(
  level: LogLevel = 'warn',
  write: (line: string) => void = (line) => {
    process.stderr.write(line);
  },
  bindings: Record<string, unknown> = {},
): RuntimeLogger {
  const threshold = level === 'silent' ? logLevels.length : logLevels.indexOf(level);
  const method =
    (name: (typeof logLevels)[number]) =>
    (fieldsOrMessage?: unknown, message?: string): void => {
      if (logLevels.indexOf(name) < threshold) return;
      const fields =
        typeof fieldsOrMessage === 'object' && fieldsOrMessage !== null ? fieldsOrMessage : {};
      const msg = typeof fieldsOrMessage === 'string' ? fieldsOrMessage : message;
      write(`${JSON.stringify({ level: name, time: Date.now(), ...bindings, ...fields, msg })}\n`);
    };
  const logger = {
    level,
    trace: method('trace'),
    debug: method('debug'),
    info: method('info'),
    warn: method('warn'),
    error: method('error'),
    fatal: method('fatal'),
    silent: () => undefined,
    child: (more: Record<string, unknown>) =>
      createStderrLogger(level, write, { ...bindings, ...more }),
    isLevelEnabled: (name: string) =>
      logLevels.indexOf(name as (typeof logLevels)[number]) >= threshold,
  };
  return logger as unknown as RuntimeLogger;
}
