import { describe, expect, it } from 'vitest';
import { fingerprint } from '../src/sessionAccess.ts';
import { createSessionRecord, serializeSessionRecord } from '../src/sessionRecord.ts';

describe('fingerprint', () => {
  it('should tell apart two sessions of the same key and length by their session ids', () => {
    const key = { userId: '42', conversationId: 'chat-7' };
    const first = serializeSessionRecord(createSessionRecord(key, 1_000));
    const second = serializeSessionRecord(createSessionRecord(key, 1_000));
    expect(first.length).toBe(second.length);
    expect(fingerprint(first)).not.toBe(fingerprint(second));
  });

  it('should tell apart values of different lengths', () => {
    expect(fingerprint('{"a":1}')).not.toBe(fingerprint('{"a":12}'));
  });
});
