import { describe, expect, it } from 'vitest';
import { errorMessage } from '../src/errorMessage.ts';

describe('errorMessage', () => {
  it("should keep an Error's message or a string", () => {
    expect(errorMessage(new Error('singular matrix'))).toBe('singular matrix');
    expect(errorMessage('timed out')).toBe('timed out');
  });

  it('should give a generic message for anything else, without throwing', () => {
    const hostile = new Error('x');
    Object.defineProperty(hostile, 'message', {
      get() {
        throw new Error('getter');
      },
    });
    for (const value of [undefined, null, 42, { message: 5 }, '', hostile]) {
      expect(errorMessage(value)).toBe('The work failed for an unknown reason.');
    }
  });

  it('should cut long messages at 500 characters', () => {
    expect(errorMessage(new Error('e'.repeat(2_000)))).toHaveLength(501);
  });
});
