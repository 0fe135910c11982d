import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createSessionRecord } from '../src/sessionRecord.ts';
import { createSessionRegistry, type LiveSession } from '../src/sessionRegistry.ts';

function session(name: string): LiveSession {
  return {
    storageKey: name,
    key: { userId: name, conversationId: 'c' },
    record: createSessionRecord({ userId: name, conversationId: 'c' }, 0),
    revision: 1,
    storedActivity: 0,
    evicted: false,
  };
}

describe('createSessionRegistry', () => {
  it('should evict the least recently used beyond max, never refusing a session', () => {
    const evicted: string[] = [];
    const registry = createSessionRegistry({
      max: 2,
      isBusy: () => false,
      onEvict: (s) => evicted.push(s.storageKey),
    });
    registry.set(session('a'));
    registry.set(session('b'));
    registry.get('a');
    registry.set(session('c'));
    expect(evicted).toEqual(['b']);
    expect([...registry.values()].map((s) => s.storageKey)).toEqual(['a', 'c']);
  });

  it('should pass over busy sessions while another can go, and evict one anyway when all are busy', () => {
    const busy = new Set(['a']);
    const evicted: string[] = [];
    const registry = createSessionRegistry({
      max: 2,
      isBusy: (s) => busy.has(s.storageKey),
      onEvict: (s) => evicted.push(s.storageKey),
    });
    registry.set(session('a'));
    registry.set(session('b'));
    registry.set(session('c'));
    expect(evicted).toEqual(['b']);
    busy.add('c');
    busy.add('d');
    registry.set(session('d'));
    expect(evicted).toEqual(['b', 'a']);
    expect(registry.size).toBe(2);
  });

  it('should mark evicted sessions and drop a replaced one', () => {
    const registry = createSessionRegistry({ max: 5, isBusy: () => false, onEvict: () => {} });
    const first = session('a');
    registry.set(first);
    const second = session('a');
    registry.set(second);
    expect(first.evicted).toBe(true);
    expect(registry.peek('a')).toBe(second);
    expect(registry.delete('a')).toBe(true);
    expect(second.evicted).toBe(true);
    expect(registry.delete('a')).toBe(false);
  });

  it('should behave like a least-recently-used list of bounded size', () => {
    type Model = { order: string[] };
    type Real = { registry: ReturnType<typeof createSessionRegistry>; evicted: string[] };
    const max = 3;
    class Touch implements fc.Command<Model, Real> {
      constructor(readonly name: string) {}
      check() {
        return true;
      }
      run(model: Model, real: Real) {
        const found = real.registry.get(this.name);
        expect(found?.storageKey).toBe(model.order.includes(this.name) ? this.name : undefined);
        if (found !== undefined) {
          model.order = [...model.order.filter((n) => n !== this.name), this.name];
        }
      }
      toString() {
        return `get(${this.name})`;
      }
    }
    class Add implements fc.Command<Model, Real> {
      constructor(readonly name: string) {}
      check() {
        return true;
      }
      run(model: Model, real: Real) {
        real.evicted.length = 0;
        real.registry.set(session(this.name));
        const replaced = model.order.includes(this.name);
        model.order = [...model.order.filter((n) => n !== this.name), this.name];
        const expected = replaced ? [this.name] : [];
        while (model.order.length > max) expected.push(model.order.shift()!);
        expect(real.evicted).toEqual(expected);
        expect([...real.registry.values()].map((s) => s.storageKey)).toEqual(model.order);
      }
      toString() {
        return `set(${this.name})`;
      }
    }
    class Remove implements fc.Command<Model, Real> {
      constructor(readonly name: string) {}
      check() {
        return true;
      }
      run(model: Model, real: Real) {
        expect(real.registry.delete(this.name)).toBe(model.order.includes(this.name));
        model.order = model.order.filter((n) => n !== this.name);
        expect(real.registry.size).toBe(model.order.length);
      }
      toString() {
        return `delete(${this.name})`;
      }
    }
    const name = fc.constantFrom('a', 'b', 'c', 'd', 'e');
    fc.assert(
      fc.property(
        fc.commands([
          name.map((n) => new Touch(n)),
          name.map((n) => new Add(n)),
          name.map((n) => new Remove(n)),
        ]),
        (commands) => {
          const evicted: string[] = [];
          const registry = createSessionRegistry({
            max,
            isBusy: () => false,
            onEvict: (s) => evicted.push(s.storageKey),
          });
          fc.modelRun(() => ({ model: { order: [] }, real: { registry, evicted } }), commands);
        },
      ),
    );
  });
});
