import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseUserEvent } from '../src/parseUserEvent.ts';

describe('parseUserEvent', () => {
  it('should give a schema with a type field the whole event', () => {
    const schema = z.object({ type: z.literal('target.selected'), column: z.string() });
    expect(parseUserEvent(schema, { type: 'target.selected', column: 'y', junk: 1 })).toEqual({
      ok: true,
      event: { type: 'target.selected', column: 'y' },
    });
  });

  it('should give any other schema the payload and keep the type', () => {
    const schema = z.object({ column: z.string() });
    expect(parseUserEvent(schema, { type: 'target.selected', column: 'y' })).toEqual({
      ok: true,
      event: { type: 'target.selected', column: 'y' },
    });
  });

  it('should say what is wrong with a malformed event', () => {
    const schema = z.object({ columns: z.array(z.string()) });
    const result = parseUserEvent(schema, { type: 'features.selected', columns: [1] });
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.problem).toContain('columns.0');
  });

  it('should refuse an event type without a schema and a schema that is not an object', () => {
    expect(parseUserEvent(undefined, { type: 'x' }).ok).toBe(false);
    expect(parseUserEvent(z.string(), { type: 'x' }).ok).toBe(false);
  });
});
