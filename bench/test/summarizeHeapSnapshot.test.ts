import { describe, expect, it } from 'vitest';
import { type HeapSnapshot, summarizeHeapSnapshot } from '../src/summarizeHeapSnapshot.ts';

describe('summarizeHeapSnapshot', () => {
  it('should add self sizes by constructor, closure name or node type', () => {
    const snapshot: HeapSnapshot = {
      snapshot: {
        meta: {
          node_fields: ['type', 'name', 'id', 'self_size', 'edge_count'],
          node_types: [['hidden', 'array', 'string', 'object', 'code', 'closure']],
        },
      },
      strings: ['Actor', 'send', 'hello', 'Actor'],
      // type, name, id, self_size, edge_count
      nodes: [3, 0, 1, 100, 0, 3, 3, 2, 60, 0, 5, 1, 3, 40, 0, 2, 2, 4, 30, 0, 2, 2, 5, 20, 0],
    };
    expect(summarizeHeapSnapshot(snapshot)).toEqual([
      { name: 'Actor', bytes: 160 },
      { name: '(string)', bytes: 50 },
      { name: 'closure send', bytes: 40 },
    ]);
  });
});
