import { ChatflowError, ConfigError } from '@chatflow/runtime';
import { describe, expect, it } from 'vitest';
import { parseStoreUrl, redactUrl } from '../src/index.ts';

function configErrorOf(url: string): ConfigError {
  try {
    parseStoreUrl(url);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error(`expected ${url} to be refused`);
}

describe('parseStoreUrl', () => {
  it('should read memory', () => {
    expect(parseStoreUrl('memory')).toEqual({ backend: 'memory', address: 'in-process' });
  });

  it.each([
    ['sqlite://data/sessions.db', 'data/sessions.db'],
    ['sqlite:///var/lib/bot/sessions.db', '/var/lib/bot/sessions.db'],
    ['sqlite://:memory:', ':memory:'],
    ['sqlite://with space/ü.db', 'with space/ü.db'],
  ])('should read %s as the file %s', (url, path) => {
    expect(parseStoreUrl(url)).toEqual({ backend: 'sqlite', path, address: path });
  });

  it.each([
    ['redis://localhost:6379', 'localhost:6379'],
    ['redis://localhost', 'localhost:6379'],
    ['redis://127.0.0.5:6380/3', '127.0.0.5:6380/3'],
    ['redis://127.0.0.5:6380/0', '127.0.0.5:6380'],
    ['rediss://user:pa%24%24@cache.example.com:6390', 'cache.example.com:6390'],
    ['redis://:only-password@[::1]:6379/1', '[::1]:6379/1'],
  ])('should read %s with the address %s', (url, address) => {
    expect(parseStoreUrl(url)).toEqual({ backend: 'redis', url, address });
  });

  it('should refuse an unknown scheme, saying what was given and what is accepted', () => {
    const error = configErrorOf('postgres://db:5432/app');
    expect(error).toBeInstanceOf(ChatflowError);
    expect(error.name).toBe('ConfigError');
    expect(error.code).toBe('CONFIG');
    expect(error.field).toBe('url');
    expect(error.message).toContain('"postgres://db:5432/app"');
    expect(error.message).toContain('unknown scheme "postgres"');
    expect(error.message).toContain('"memory"');
    expect(error.message).toContain('sqlite://');
    expect(error.message).toContain('redis://host:port');
  });

  it.each([
    ['', 'it has no scheme'],
    ['Memory', 'it has no scheme'],
    ['sqlite://', 'names no file'],
    ['redis://', 'names no host'],
    ['redis://host:port', 'not a valid URL'],
    ['redis://localhost:6379/zero', 'is not a number'],
    ['redis://localhost:6379/0?timeout=5', 'query strings'],
  ])('should refuse the malformed URL %j', (url, reason) => {
    expect(configErrorOf(url).message).toContain(reason);
  });

  it('should never put a password in its message', () => {
    const error = configErrorOf('redis://admin:hunter2@localhost:6379/x');
    expect(error.message).not.toContain('hunter2');
    expect(error.message).toContain('redis://admin:***@localhost:6379/x');
  });
});

describe('redactUrl', () => {
  it.each([
    ['redis://app:s3cret@cache:6379', 'redis://app:***@cache:6379'],
    ['rediss://:s3cret@cache:6379/2', 'rediss://:***@cache:6379/2'],
    ['redis://app@cache:6379', 'redis://app@cache:6379'],
    ['redis://cache:6379', 'redis://cache:6379'],
    ['sqlite://data/a@b.db', 'sqlite://data/a@b.db'],
  ])('should turn %s into %s', (url, redacted) => {
    expect(redactUrl(url)).toBe(redacted);
  });
});
