import { describe, expect, it } from 'vitest';
import { createStderrLogger } from '../src/createStderrLogger.ts';

describe('createStderrLogger', () => {
  it('should write JSON lines at or above its level, with bindings of children', () => {
    const lines: string[] = [];
    const logger = createStderrLogger('warn', (line) => lines.push(line));
    logger.info({ user: 'a' }, 'not written');
    logger.warn({ user: 'a' }, 'written');
    logger.child({ session: 's1' }).error('also written');
    const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(entries).toHaveLength(2);
    expect(entries[0]).toMatchObject({ level: 'warn', user: 'a', msg: 'written' });
    expect(entries[1]).toMatchObject({ level: 'error', session: 's1', msg: 'also written' });
  });

  it('should write nothing when silent', () => {
    const lines: string[] = [];
    createStderrLogger('silent', (line) => lines.push(line)).fatal('gone');
    expect(lines).toEqual([]);
  });
});
