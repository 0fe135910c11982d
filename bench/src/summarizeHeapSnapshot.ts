/**
 * Reads a V8 `.heapsnapshot` (from `v8.writeHeapSnapshot()` or `node --heapsnapshot-signal`)
 * and prints the self size of the heap by constructor name (objects and closures) or by
 * node type (strings, arrays, code, ...). Comparing two snapshots of the same number of
 * sessions, e.g. chatflow sessions and bare actors, shows what the extra bytes are.
 *
 *   node --import tsx src/summarizeHeapSnapshot.ts <file.heapsnapshot> [--per=3000] [--top=25]
 *
 * `--per` divides every size by a count (bytes per session).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The parts of a `.heapsnapshot` this reads. */
export interface HeapSnapshot {
  snapshot: { meta: { node_fields: string[]; node_types: unknown[] } };
  nodes: number[];
  strings: string[];
}

/**
 * Self size by group: `Name` for objects, `closure name` for functions, `(type)` for
 * every other node type. Sorted largest first.
 *
 * @example
 * ```ts
 * const groups = summarizeHeapSnapshot(JSON.parse(readFileSync(file, 'utf8')));
 * ```
 */
export function summarizeHeapSnapshot(snapshot: HeapSnapshot): { name: string; bytes: number }[] {
  const fields = snapshot.snapshot.meta.node_fields;
  const types = snapshot.snapshot.meta.node_types[0] as string[];
  const width = fields.length;
  const typeAt = fields.indexOf('type');
  const nameAt = fields.indexOf('name');
  const sizeAt = fields.indexOf('self_size');
  const groups = new Map<string, number>();
  const { nodes, strings } = snapshot;
  for (let i = 0; i < nodes.length; i += width) {
    const type = types[nodes[i + typeAt] as number] ?? 'unknown';
    const name = strings[nodes[i + nameAt] as number] ?? '';
    const group = type === 'object' ? name : type === 'closure' ? `closure ${name}` : `(${type})`;
    groups.set(group, (groups.get(group) ?? 0) + (nodes[i + sizeAt] as number));
  }
  return [...groups.entries()]
    .map(([name, bytes]) => ({ name, bytes }))
    .sort((a, b) => b.bytes - a.bytes);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const file = process.argv.slice(2).find((arg) => !arg.startsWith('--'));
  if (!file) {
    process.stderr.write(
      'usage: summarizeHeapSnapshot.ts <file.heapsnapshot> [--per=N] [--top=25]\n',
    );
    process.exit(2);
  }
  const flag = (name: string) =>
    process.argv.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);
  const per = Number(flag('per') ?? 1);
  const top = Number(flag('top') ?? 25);
  const groups = summarizeHeapSnapshot(JSON.parse(readFileSync(file, 'utf8')) as HeapSnapshot);
  for (const { name, bytes } of groups.slice(0, top)) {
    process.stdout.write(
      `${Math.round(bytes / per)
        .toString()
        .padStart(10)}  ${name.slice(0, 100)}\n`,
    );
  }
}
