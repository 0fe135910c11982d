import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { copyValue } from '../src/copyValue.ts';

describe('copyValue', () => {
  it('copies JSON data deeply: the copy is equal and shares no object with the source', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const copy = copyValue(value);
        expect(copy).toStrictEqual(structuredClone(value));
        const sources = new Set<object>();
        const collect = (item: unknown, into: Set<object>) => {
          if (typeof item !== 'object' || item === null) return;
          into.add(item);
          for (const child of Object.values(item)) collect(child, into);
        };
        collect(value, sources);
        const copies = new Set<object>();
        collect(copy, copies);
        for (const object of copies) expect(sources.has(object)).toBe(false);
      }),
    );
  });

  it('changing the copy leaves the source as it was', () => {
    const source = { dataset: { columns: [{ name: 'price' }] }, features: ['area'] };
    const copy = copyValue(source);
    copy.dataset.columns[0]!.name = 'changed';
    copy.features.push('rooms');
    expect(source).toEqual({ dataset: { columns: [{ name: 'price' }] }, features: ['area'] });
  });

  it('keeps a __proto__ key as data, not as the prototype', () => {
    const source = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}') as object;
    const copy = copyValue(source) as Record<string, unknown>;
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect(Object.keys(copy)).toEqual(['__proto__', 'a']);
    expect(Object.getOwnPropertyDescriptor(copy, '__proto__')?.value).toEqual({ polluted: true });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('copies what is not plain data as structuredClone does', () => {
    const at = new Date(1_700_000_000_000);
    const source = { at, tags: new Set(['a']), bytes: new Uint8Array([1, 2]) };
    const copy = copyValue(source);
    expect(copy.at).toBeInstanceOf(Date);
    expect(copy.at).not.toBe(at);
    expect(copy.at.getTime()).toBe(at.getTime());
    expect(copy.tags).toEqual(new Set(['a']));
    expect(copy.tags).not.toBe(source.tags);
    expect([...copy.bytes]).toEqual([1, 2]);
  });

  it('refuses a function or a symbol with the DataCloneError structuredClone throws', () => {
    expect(() => copyValue({ nested: { run: () => 1 } })).toThrow(
      expect.objectContaining({ name: 'DataCloneError' }),
    );
    expect(() => copyValue([Symbol('s')])).toThrow(
      expect.objectContaining({ name: 'DataCloneError' }),
    );
  });

  it('copies a cycle and a very deep structure (handed to structuredClone)', () => {
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    const copy = copyValue(cyclic);
    expect(copy).not.toBe(cyclic);
    expect(copy.self).toBe(copy);

    let deep: Record<string, unknown> = { leaf: true };
    for (let level = 0; level < 1000; level += 1) deep = { next: deep };
    const deepCopy = copyValue(deep);
    expect(deepCopy).toStrictEqual(deep);
    expect(deepCopy).not.toBe(deep);
  });

  it('returns primitives as they are', () => {
    for (const value of [null, undefined, 0, 'text', true, 12n]) {
      expect(copyValue(value)).toBe(value);
    }
  });
});
