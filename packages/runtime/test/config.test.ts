import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultConfig, loadConfig, resolveConfig } from '../src/config.ts';
import { ChatflowError, ConfigError } from '../src/errors.ts';

function yamlFile(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'chatflow-config-'));
  const file = join(dir, 'chatflow.yaml');
  writeFileSync(file, text);
  return file;
}

function configErrorOf(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toBeInstanceOf(ChatflowError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('resolveConfig', () => {
  it('should fill the defaults of DESIGN.md', () => {
    expect(resolveConfig()).toEqual({
      sessionTimeoutMinutes: 30,
      maxHistoryMessages: 50,
      maxConcurrentSessions: 1000,
      cleanupIntervalMinutes: 10,
      enableWorkflowRecovery: true,
      gracePeriodMinutes: 5,
      maxDataSizeMb: 100,
      persistence: { enabled: false, backend: 'memory' },
      workLeaseSeconds: 30,
      maxWorkAttempts: 3,
      maxHistoryTextLength: 4096,
      trustLiveSessions: true,
    });
  });

  it('should refuse a trustLiveSessions that is not a boolean, saying what is accepted', () => {
    expect(() => resolveConfig({ trustLiveSessions: 'yes' as never })).toThrow(
      /trustLiveSessions.*"yes".*true or false/,
    );
  });

  it('should merge a partial config, persistence included', () => {
    const config = resolveConfig({ sessionTimeoutMinutes: 3, persistence: { backend: 'redis' } });
    expect(config.sessionTimeoutMinutes).toBe(3);
    expect(config.gracePeriodMinutes).toBe(defaultConfig.gracePeriodMinutes);
    expect(config.persistence).toEqual({ enabled: false, backend: 'redis' });
  });

  it('should name the field, the value and what is accepted', () => {
    const error = configErrorOf(() => resolveConfig({ maxHistoryMessages: 2.5 }));
    expect(error.code).toBe('CONFIG');
    expect(error.name).toBe('ConfigError');
    expect(error.field).toBe('maxHistoryMessages');
    expect(error.message).toContain('maxHistoryMessages');
    expect(error.message).toContain('2.5');
    expect(error.message).toContain('whole number');
  });

  it('should take maxHistoryTextLength of at least 64 whole characters, and refuse anything else', () => {
    expect(resolveConfig({ maxHistoryTextLength: 64 }).maxHistoryTextLength).toBe(64);
    expect(resolveConfig({ maxHistoryTextLength: 100_000 }).maxHistoryTextLength).toBe(100_000);
    for (const bad of [63, 0, -1, 100.5, Number.NaN, Number.POSITIVE_INFINITY, '4096', null]) {
      const error = configErrorOf(() => resolveConfig({ maxHistoryTextLength: bad as number }));
      expect(error.field).toBe('maxHistoryTextLength');
      expect(error.message).toContain('maxHistoryTextLength');
      expect(error.message).toContain('a whole number of characters of at least 64');
    }
  });

  it('should refuse an unknown field', () => {
    const error = configErrorOf(() =>
      resolveConfig({ sessionTimeoutMinute: 3 } as unknown as Record<string, number>),
    );
    expect(error.field).toBe('sessionTimeoutMinute');
  });

  it('should refuse a nested bad value', () => {
    const error = configErrorOf(() =>
      resolveConfig({ persistence: { backend: 'mongo' as 'redis' } }),
    );
    expect(error.field).toBe('persistence.backend');
    expect(error.message).toContain('"mongo"');
    expect(error.message).toContain('memory, sqlite, redis');
  });
});

describe('loadConfig', () => {
  it('should take variables over the file over the defaults', () => {
    const file = yamlFile(
      'sessionTimeoutMinutes: 12\nmaxHistoryMessages: 7\npersistence:\n  backend: sqlite\n  url: sqlite://./s.db\n',
    );
    const config = loadConfig({
      file,
      env: { STATE_TIMEOUT_MINUTES: '20', STATE_PERSISTENCE_ENABLED: 'true' },
    });
    expect(config.sessionTimeoutMinutes).toBe(20);
    expect(config.maxHistoryMessages).toBe(7);
    expect(config.cleanupIntervalMinutes).toBe(10);
    expect(config.persistence).toEqual({
      enabled: true,
      backend: 'sqlite',
      url: 'sqlite://./s.db',
    });
  });

  it('should read every STATE_ variable', () => {
    const config = loadConfig({
      env: {
        STATE_TIMEOUT_MINUTES: '1.5',
        STATE_MAX_HISTORY: '9',
        STATE_PERSISTENCE_ENABLED: 'no',
        STATE_PERSISTENCE_BACKEND: 'redis',
        STATE_CLEANUP_INTERVAL: '2',
        STATE_MAX_HISTORY_TEXT: ' 1000 ',
      },
    });
    expect(config).toMatchObject({
      sessionTimeoutMinutes: 1.5,
      maxHistoryMessages: 9,
      maxHistoryTextLength: 1000,
      cleanupIntervalMinutes: 2,
      persistence: { enabled: false, backend: 'redis' },
    });
  });

  it('should name the variable, the field and the value of a bad variable', () => {
    const error = configErrorOf(() => loadConfig({ env: { STATE_TIMEOUT_MINUTES: 'soon' } }));
    expect(error.field).toBe('sessionTimeoutMinutes');
    expect(error.message).toContain('STATE_TIMEOUT_MINUTES');
    expect(error.message).toContain('"soon"');
    const backend = configErrorOf(() => loadConfig({ env: { STATE_PERSISTENCE_BACKEND: 'disk' } }));
    expect(backend.field).toBe('persistence.backend');
    expect(backend.message).toContain('"disk"');
    const enabled = configErrorOf(() =>
      loadConfig({ env: { STATE_PERSISTENCE_ENABLED: 'maybe' } }),
    );
    expect(enabled.field).toBe('persistence.enabled');
    const zero = configErrorOf(() => loadConfig({ env: { STATE_CLEANUP_INTERVAL: '0' } }));
    expect(zero.field).toBe('cleanupIntervalMinutes');
    const text = configErrorOf(() => loadConfig({ env: { STATE_MAX_HISTORY_TEXT: '4k' } }));
    expect(text.field).toBe('maxHistoryTextLength');
    expect(text.message).toContain('STATE_MAX_HISTORY_TEXT (maxHistoryTextLength) is "4k"');
    expect(text.message).toContain('at least 64');
  });

  it('should read maxHistoryTextLength from the file, and name the file for a bad one', () => {
    expect(
      loadConfig({ file: yamlFile('maxHistoryTextLength: 500\n'), env: {} }).maxHistoryTextLength,
    ).toBe(500);
    const file = yamlFile('maxHistoryTextLength: 10\n');
    const error = configErrorOf(() => loadConfig({ file, env: {} }));
    expect(error.field).toBe('maxHistoryTextLength');
    expect(error.message).toContain(`maxHistoryTextLength in ${file} is 10`);
  });

  it('should name a bad value of the file', () => {
    const file = yamlFile('gracePeriodMinutes: -1\n');
    const error = configErrorOf(() => loadConfig({ file, env: {} }));
    expect(error.field).toBe('gracePeriodMinutes');
    expect(error.message).toContain(file);
    expect(error.message).toContain('-1');
  });

  it('should let a variable override a bad value of the file', () => {
    const file = yamlFile('sessionTimeoutMinutes: never\n');
    expect(loadConfig({ file, env: { STATE_TIMEOUT_MINUTES: '5' } }).sessionTimeoutMinutes).toBe(5);
  });

  it('should refuse a missing file, bad YAML and a file that is not a mapping', () => {
    expect(
      configErrorOf(() => loadConfig({ file: '/nonexistent/chatflow.yaml', env: {} })).field,
    ).toBe('file');
    expect(configErrorOf(() => loadConfig({ file: yamlFile('a: [1,'), env: {} })).field).toBe(
      'file',
    );
    expect(configErrorOf(() => loadConfig({ file: yamlFile('- 1\n- 2\n'), env: {} })).field).toBe(
      'file',
    );
  });

  it('should accept an empty file', () => {
    expect(loadConfig({ file: yamlFile(''), env: {} })).toEqual(resolveConfig());
  });
});
