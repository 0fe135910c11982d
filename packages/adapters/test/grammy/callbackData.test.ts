import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type CallbackAction,
  decodeCallbackData,
  encodeCallbackData,
  isMaskWithin,
  maskIndexes,
  maxCallbackDataBytes,
  maxMultiSelectOptions,
  stepTag,
} from '../../src/grammy/callbackData.ts';

const tag = fc.constantFrom('AbC-_123', stepTag(['s', 'ml_training', 'selecting_target']));
const index = fc.integer({ min: 0, max: 99 });
const mask = fc.bigInt({ min: 0n, max: (1n << BigInt(maxMultiSelectOptions)) - 1n });
const action: fc.Arbitrary<CallbackAction> = fc.oneof(
  fc.record({ kind: fc.constant('choice' as const), tag, index }),
  fc.record({ kind: fc.constant('toggle' as const), tag, mask, index }),
  fc.record({ kind: fc.constant('submit' as const), tag, mask }),
  fc.record({ kind: fc.constant('back' as const), tag }),
  fc.record({ kind: fc.constant('cancel' as const), tag }),
  fc.record({
    kind: fc.constant('start' as const),
    workflow: fc.stringMatching(/^[A-Za-z0-9_.-]{1,56}$/),
  }),
);

describe('callbackData', () => {
  it('should round-trip every action within 64 bytes', () => {
    fc.assert(
      fc.property(action, (original) => {
        const data = encodeCallbackData(original);
        expect(data).toBeDefined();
        expect(Buffer.byteLength(data!)).toBeLessThanOrEqual(maxCallbackDataBytes);
        expect(decodeCallbackData(data!)).toEqual(original);
      }),
    );
  });

  it('should emit only data that decodes to the action given, whatever the action holds', () => {
    const anyTag = fc.oneof(tag, fc.string({ maxLength: 10 }));
    // -0 is left out: it is written as 0, which reads back as 0 (the same button).
    const anyIndex = fc.oneof(
      index,
      fc.integer(),
      fc.double().filter((value) => !Object.is(value, -0)),
    );
    const anyMask = fc.oneof(mask, fc.bigInt({ min: -(1n << 100n), max: 1n << 100n }));
    const anything: fc.Arbitrary<CallbackAction> = fc.oneof(
      fc.record({ kind: fc.constant('choice' as const), tag: anyTag, index: anyIndex }),
      fc.record({
        kind: fc.constant('toggle' as const),
        tag: anyTag,
        mask: anyMask,
        index: anyIndex,
      }),
      fc.record({ kind: fc.constant('submit' as const), tag: anyTag, mask: anyMask }),
      fc.record({ kind: fc.constantFrom('back' as const, 'cancel' as const), tag: anyTag }),
    );
    fc.assert(
      fc.property(anything, (original) => {
        const data = encodeCallbackData(original);
        if (data !== undefined) expect(decodeCallbackData(data)).toEqual(original);
      }),
      { numRuns: 2000 },
    );
    expect(encodeCallbackData({ kind: 'choice', tag: '', index: 1 })).toBeUndefined();
    expect(encodeCallbackData({ kind: 'choice', tag: 'AbC-_123', index: 100 })).toBeUndefined();
    expect(encodeCallbackData({ kind: 'choice', tag: 'AbC-_123', index: 1.5 })).toBeUndefined();
    expect(encodeCallbackData({ kind: 'submit', tag: 'AbC-_123', mask: -1n })).toBeUndefined();
    expect(encodeCallbackData({ kind: 'back', tag: 'AbC-_12' })).toBeUndefined();
  });

  it('should never throw on arbitrary data and refuse what it did not write', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (data) => {
        const decoded = decodeCallbackData(data);
        if (decoded !== undefined) expect(encodeCallbackData(decoded)).toBe(data);
      }),
    );
    expect(decodeCallbackData('cf:c:AbC-_123:100')).toBeUndefined();
    expect(decodeCallbackData('cf:c:AbC-_123:01')).toBeUndefined();
    expect(decodeCallbackData('cf:c:short:1')).toBeUndefined();
    expect(decodeCallbackData('other:c:AbC-_123:1')).toBeUndefined();
    expect(decodeCallbackData('cf:w:__proto__ x')).toBeUndefined();
    expect(decodeCallbackData(`cf:s:AbC-_123:${(1n << 95n).toString(36)}`)).toBeUndefined();
  });

  it('should carry a value within 64 bytes and refuse one that cannot fit', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 60, unit: 'grapheme' }), (value) => {
        const data = encodeCallbackData({ kind: 'value', tag: 'AbC-_123', value });
        if (Buffer.byteLength(value) <= 50) {
          expect(data).toBe(`cf:v:AbC-_123:${value}`);
          expect(decodeCallbackData(data!)).toEqual({ kind: 'value', tag: 'AbC-_123', value });
        } else {
          expect(data).toBeUndefined();
        }
      }),
    );
    expect(encodeCallbackData({ kind: 'value', tag: 'AbC-_123', value: '' })).toBeUndefined();
    expect(decodeCallbackData('cf:v:AbC-_123:a:b\nc')).toEqual({
      kind: 'value',
      tag: 'AbC-_123',
      value: 'a:b\nc',
    });
  });

  it('should refuse a workflow type that cannot fit', () => {
    expect(encodeCallbackData({ kind: 'start', workflow: 'w'.repeat(57) })).toBeUndefined();
    expect(encodeCallbackData({ kind: 'start', workflow: 'has space' })).toBeUndefined();
  });

  it('should give different tags to different steps and the same tag to the same step', () => {
    const a = stepTag(['session-1', 'ml_training', 'selecting_target']);
    expect(a).toMatch(/^[A-Za-z0-9_-]{8}$/);
    expect(stepTag(['session-1', 'ml_training', 'selecting_target'])).toBe(a);
    expect(stepTag(['session-1', 'ml_training', 'selecting_features'])).not.toBe(a);
    expect(stepTag(['session-2', 'ml_training', 'selecting_target'])).not.toBe(a);
    expect(stepTag(['session-1', 'ml_trainin', 'gselecting_target'])).not.toBe(a);
  });

  it('should read the options a mask picks', () => {
    expect(maskIndexes(0b1011n, 4)).toEqual([0, 1, 3]);
    expect(maskIndexes(0b1011n, 2)).toEqual([0, 1]);
    expect(isMaskWithin(0b111n, 3)).toBe(true);
    expect(isMaskWithin(0b1000n, 3)).toBe(false);
  });
});
