import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  dataStorageKey,
  decodeId,
  encodeId,
  normalizeSessionKey,
  parseStorageKey,
  quarantineStorageKey,
  sessionStorageKey,
  userIndexKey,
  userKeyPrefix,
} from '../src/keys.ts';

const anyId = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.string({ unit: 'grapheme' }),
  fc.constantFrom('__proto__', 'constructor', ':', '{', '}', '{u:1}', '%', '%u0041', '%3A', ''),
);
const anyUserId = fc.oneof(
  anyId,
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

/** The Redis Cluster hash tag of a key: what lies between the first `{` and the next `}`. */
function hashTag(key: string): string | undefined {
  const open = key.indexOf('{');
  const close = key.indexOf('}', open + 1);
  return open === -1 || close === -1 || close === open + 1 ? undefined : key.slice(open + 1, close);
}

describe('encodeId', () => {
  it('should round-trip any string and never output a separator or a brace', () => {
    fc.assert(
      fc.property(anyId, (id) => {
        const encoded = encodeId(id);
        expect(encoded).not.toMatch(/[:{}]/);
        expect(decodeId(encoded)).toBe(id);
      }),
    );
  });

  it('should escape lone surrogates distinctly', () => {
    expect(encodeId('\uD800')).toBe('%uD800');
    expect(encodeId('a\uDC00b')).toBe('a%uDC00b');
    expect(encodeId('%uD800')).toBe('%25uD800');
    expect(decodeId(encodeId('x\uD800\u00e9'))).toBe('x\uD800\u00e9');
  });
});

describe('sessionStorageKey', () => {
  it('should tell user 1, chat 2:3 from user 1:2, chat 3', () => {
    const a = sessionStorageKey({ userId: '1', conversationId: '2:3' });
    const b = sessionStorageKey({ userId: '1:2', conversationId: '3' });
    expect(a).not.toBe(b);
  });

  it('should treat user 42 and user "42" as one user', () => {
    expect(sessionStorageKey(normalizeSessionKey({ userId: 42, conversationId: 'c' }))).toBe(
      sessionStorageKey(normalizeSessionKey({ userId: '42', conversationId: 'c' })),
    );
  });

  it('should give distinct keys to distinct sessions, for any ids', () => {
    fc.assert(
      fc.property(anyUserId, anyId, anyUserId, anyId, (u1, c1, u2, c2) => {
        const k1 = normalizeSessionKey({ userId: u1, conversationId: c1 });
        const k2 = normalizeSessionKey({ userId: u2, conversationId: c2 });
        const same = k1.userId === k2.userId && k1.conversationId === k2.conversationId;
        expect(sessionStorageKey(k1) === sessionStorageKey(k2)).toBe(same);
      }),
    );
  });

  it('should put every key of a user under one hash tag and one prefix', () => {
    fc.assert(
      fc.property(anyUserId, anyId, fc.uuid(), fc.uuid(), (userId, conversationId, s, d) => {
        const key = normalizeSessionKey({ userId, conversationId });
        const keys = [
          sessionStorageKey(key),
          dataStorageKey(key.userId, s, d),
          userIndexKey(key.userId),
          quarantineStorageKey(key, '7'),
        ];
        const tags = new Set(keys.map(hashTag));
        expect(tags.size).toBe(1);
        expect(hashTag(keys[0]!)).toBe(`u:${encodeId(key.userId)}`);
        for (const k of keys) expect(k.startsWith(userKeyPrefix(key.userId))).toBe(true);
      }),
    );
  });

  it('should not let one user prefix another user keys', () => {
    fc.assert(
      fc.property(anyId, anyId, anyId, (u1, u2, c) => {
        fc.pre(u1 !== u2);
        const key = sessionStorageKey({ userId: u2, conversationId: c });
        expect(key.startsWith(userKeyPrefix(u1))).toBe(false);
      }),
    );
  });

  it('should handle 10 KB ids', () => {
    const big = 'x:'.repeat(5000);
    const key = sessionStorageKey({ userId: big, conversationId: big });
    expect(parseStorageKey(key)).toEqual({ kind: 'session', userId: big, conversationId: big });
  });

  it('should refuse ids that are not strings or finite numbers', () => {
    expect(() => normalizeSessionKey({ userId: Number.NaN, conversationId: 'c' })).toThrow(
      TypeError,
    );
    expect(() =>
      normalizeSessionKey({ userId: 'u', conversationId: 3 as unknown as string }),
    ).toThrow(TypeError);
  });
});

describe('parseStorageKey', () => {
  it('should read back every kind of key', () => {
    fc.assert(
      fc.property(anyId, anyId, fc.uuid(), fc.uuid(), (userId, conversationId, s, d) => {
        const key = { userId, conversationId };
        expect(parseStorageKey(sessionStorageKey(key))).toEqual({ kind: 'session', ...key });
        expect(parseStorageKey(dataStorageKey(userId, s, d))).toEqual({
          kind: 'data',
          userId,
          sessionId: s,
          datasetId: d,
        });
        expect(parseStorageKey(userIndexKey(userId))).toEqual({ kind: 'index', userId });
        expect(parseStorageKey(quarantineStorageKey(key, 't:1'))).toEqual({
          kind: 'quarantine',
          ...key,
          tag: 't:1',
        });
      }),
    );
  });

  it('should answer undefined for foreign keys', () => {
    expect(parseStorageKey('keyv:foo')).toBeUndefined();
    expect(parseStorageKey('chatflow:{u:1}:x:2')).toBeUndefined();
  });
});
