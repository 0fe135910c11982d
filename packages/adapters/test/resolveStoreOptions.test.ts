import { ConfigError } from '@chatflow/runtime';
import { describe, expect, it } from 'vitest';
import { defaultStoreOptions, resolveStoreOptions } from '../src/index.ts';

describe('resolveStoreOptions', () => {
  it('should fill in the defaults', () => {
    const resolved = resolveStoreOptions();
    expect(resolved).toMatchObject({
      connectTimeoutMs: 2000,
      commandTimeoutMs: 2000,
      namespace: 'chatflow',
    });
    expect(resolved.now).toBe(Date.now);
    expect(defaultStoreOptions).toEqual({
      connectTimeoutMs: 2000,
      commandTimeoutMs: 2000,
      namespace: 'chatflow',
    });
  });

  it('should keep given values', () => {
    const now = () => 5;
    expect(
      resolveStoreOptions({ connectTimeoutMs: 10, commandTimeoutMs: 20, namespace: 'bot_2', now }),
    ).toEqual({ connectTimeoutMs: 10, commandTimeoutMs: 20, namespace: 'bot_2', now });
  });

  it.each([
    [{ connectTimeoutMs: 0 }, 'connectTimeoutMs'],
    [{ commandTimeoutMs: -1 }, 'commandTimeoutMs'],
    [{ commandTimeoutMs: Number.NaN }, 'commandTimeoutMs'],
    [{ namespace: '' }, 'namespace'],
    [{ namespace: 'has:colon' }, 'namespace'],
    [{ namespace: 'tag{1}' }, 'namespace'],
    [{ namespace: '1starts_with_digit' }, 'namespace'],
  ])('should refuse %j naming the field', (options, field) => {
    let caught: unknown;
    try {
      resolveStoreOptions(options);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect(caught).toMatchObject({ field, code: 'CONFIG' });
    expect((caught as Error).message).toContain(field);
  });
});
