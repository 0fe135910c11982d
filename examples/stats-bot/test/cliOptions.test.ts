import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CliUsageError, defaultDataDir, parseCliOptions } from '../src/cliOptions.ts';

describe('parseCliOptions', () => {
  it('should default to console mode with a stable session key and SQLite in .data', () => {
    const options = parseCliOptions([], {}, '/somewhere');
    expect(options).toEqual({
      mode: 'console',
      userId: 'console',
      conversationId: 'main',
      dataDir: defaultDataDir,
      store: `sqlite://${join(defaultDataDir, 'sessions.db')}`,
      help: false,
    });
    expect(defaultDataDir.endsWith(join('stats-bot', '.data'))).toBe(true);
  });

  it('should resolve relative paths against INIT_CWD when pnpm set it', () => {
    const options = parseCliOptions(
      ['--', '--script', 'examples/stats-bot/demo.txt', '--data', 'tmp/bot'],
      { INIT_CWD: '/repo' },
      '/repo/examples/stats-bot',
    );
    expect(options.script).toBe('/repo/examples/stats-bot/demo.txt');
    expect(options.dataDir).toBe('/repo/tmp/bot');
    expect(options.store).toBe('sqlite:///repo/tmp/bot/sessions.db');
  });

  it('should resolve relative paths against the working folder without INIT_CWD', () => {
    const options = parseCliOptions(['--script', 'demo.txt', '--store', 'sqlite://s.db'], {}, '/a');
    expect(options.script).toBe('/a/demo.txt');
    expect(options.store).toBe('sqlite:///a/s.db');
  });

  it('should take the session key and another store', () => {
    const options = parseCliOptions(
      ['--user', '42', '--chat', 'team', '--store', 'redis://127.0.0.1:6379'],
      {},
      '/',
    );
    expect(options).toMatchObject({
      userId: '42',
      conversationId: 'team',
      store: 'redis://127.0.0.1:6379',
    });
  });

  it('should start telegram mode with the token from BOT_TOKEN', () => {
    const options = parseCliOptions(['--telegram'], { BOT_TOKEN: '123:abc' }, '/');
    expect(options.mode).toBe('telegram');
    expect(options.token).toBe('123:abc');
  });

  it('should say how to set BOT_TOKEN when telegram mode has none', () => {
    expect(() => parseCliOptions(['--telegram'], { BOT_TOKEN: '' }, '/')).toThrow(CliUsageError);
    expect(() => parseCliOptions(['--telegram'], {}, '/')).toThrow(/set BOT_TOKEN/);
  });

  it('should refuse unknown options and options without their value', () => {
    expect(() => parseCliOptions(['--verbose'], {}, '/')).toThrow('Unknown option "--verbose".');
    expect(() => parseCliOptions(['--script'], {}, '/')).toThrow('--script needs a value.');
    expect(() => parseCliOptions(['--user', '--chat', 'x'], {}, '/')).toThrow(
      '--user needs a value.',
    );
  });
});
