import { describe, expect, it } from 'vitest';
import { createRuntimeEvents, truncateId } from '../src/runtimeEvents.ts';
import { createCapturingLogger } from './support/testRuntime.ts';

describe('createRuntimeEvents', () => {
  it('should deliver events by type and audit each with truncated ids', () => {
    const { logger, lines } = createCapturingLogger();
    const events = createRuntimeEvents(logger);
    const got: string[] = [];
    events.on('session.created', (event) => got.push(event.sessionId));
    events.emit({
      type: 'session.created',
      key: { userId: '123456789012', conversationId: 'c' },
      sessionId: 'abcdefgh-1234',
      at: 1,
    });
    events.emit({
      type: 'session.recovered',
      key: { userId: 'u', conversationId: 'c' },
      sessionId: 's',
      at: 2,
    });
    expect(got).toEqual(['abcdefgh-1234']);
    expect(lines.map((line) => [line.event, line.user, line.session])).toEqual([
      ['session.created', '12345678…', 'abcdefgh…'],
      ['session.recovered', 'u', 's'],
    ]);
  });

  it('should truncate ids to 8 characters', () => {
    expect(truncateId('12345678')).toBe('12345678');
    expect(truncateId('123456789')).toBe('12345678…');
  });
});
