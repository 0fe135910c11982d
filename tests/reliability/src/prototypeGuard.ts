/** The built-in prototypes hostile input may try to reach through `__proto__` and friends. */
const prototypes: Record<string, object> = {
  Object: Object.prototype,
  Array: Array.prototype,
  Function: Function.prototype,
  String: String.prototype,
  Number: Number.prototype,
};

/** Names a polluted prototype typically gains. */
const probes = ['polluted', 'isAdmin', 'x', 'toString2', 'constructor2', 'then'];

function describePrototypes(): Map<string, unknown> {
  const seen = new Map<string, unknown>();
  for (const [name, prototype] of Object.entries(prototypes)) {
    for (const key of Reflect.ownKeys(prototype)) {
      const descriptor = Object.getOwnPropertyDescriptor(prototype, key);
      seen.set(`${name}.${String(key)}`, descriptor?.value ?? descriptor?.get);
    }
    seen.set(`${name}.[[Prototype]]`, Object.getPrototypeOf(prototype));
  }
  return seen;
}

/**
 * Records the built-in prototypes now; the returned function lists what changed since
 * (a property added, removed or replaced, or a probe like `({}).polluted` that reads as
 * something), so a test can assert that no hostile input reached them.
 *
 * @example
 * ```ts
 * const changes = watchPrototypes();
 * await runtime.send(key, JSON.parse('{"type":"x","__proto__":{"polluted":true}}'));
 * expect(changes()).toEqual([]);
 * ```
 */
export function watchPrototypes(): () => string[] {
  const before = describePrototypes();
  return () => {
    const after = describePrototypes();
    const changes: string[] = [];
    for (const [key, value] of after) {
      if (!before.has(key)) changes.push(`added ${key}`);
      else if (before.get(key) !== value) changes.push(`replaced ${key}`);
    }
    for (const key of before.keys()) if (!after.has(key)) changes.push(`removed ${key}`);
    const plain: Record<string, unknown> = {};
    for (const probe of probes) {
      if (plain[probe] !== undefined) changes.push(`({}).${probe} reads ${String(plain[probe])}`);
      if (([] as unknown as Record<string, unknown>)[probe] !== undefined) {
        changes.push(`[].${probe} is defined`);
      }
    }
    return changes;
  };
}
