import { describe, expect, it } from 'vitest';
import { type CpuProfile, summarizeProfile } from '../src/summarizeProfile.ts';

const frame = (functionName: string, url = '') => ({ functionName, url, lineNumber: 0 });

// root -> main -> send -> parse (leaf); main -> set (leaf); plus idle samples.
const profile: CpuProfile = {
  nodes: [
    { id: 1, callFrame: frame('(root)'), children: [2, 6] },
    { id: 2, callFrame: frame('main', 'file:///work/main/bench/src/main.ts'), children: [3, 5] },
    {
      id: 3,
      callFrame: frame(
        'send',
        'file:///x/node_modules/.pnpm/xstate@5/node_modules/xstate/dist/a.js',
      ),
      children: [4],
    },
    {
      id: 4,
      callFrame: frame('parse', 'file:///x/node_modules/.pnpm/zod@4/node_modules/zod/v4/b.js'),
    },
    { id: 5, callFrame: frame('set', 'node:internal/map') },
    { id: 6, callFrame: frame('(idle)') },
  ],
  samples: [4, 4, 3, 5, 6, 6],
  timeDeltas: [1000, 500, 2000, 4000, 5000, 5000],
};

describe('summarizeProfile', () => {
  it('should add self time to the leaf and inclusive time to every frame of the stack', () => {
    const summary = summarizeProfile(profile);
    expect(summary.totalMs).toBe(7.5);
    expect(summary.self.map((r) => [r.name.split(' ')[0], r.ms])).toEqual([
      ['set', 4],
      ['send', 2],
      ['parse', 1.5],
    ]);
    const inclusive = Object.fromEntries(
      summary.inclusive.map((r) => [r.name.split(' ')[0], r.ms]),
    );
    expect(inclusive.main).toBe(7.5);
    expect(inclusive.send).toBe(3.5);
    expect(summary.byPlace.map((r) => r.name)).toEqual(['node:internal/map', 'xstate', 'zod']);
  });

  it('should keep only the samples whose stack matches the filter', () => {
    const summary = summarizeProfile(profile, { filter: 'send' });
    expect(summary.totalMs).toBe(3.5);
    expect(summary.self.map((r) => r.name.split(' ')[0])).toEqual(['send', 'parse']);
  });
});
