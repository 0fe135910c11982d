import { describe, expect, it } from 'vitest';
import { createOfferedKeyboards } from '../../src/grammy/offeredKeyboards.ts';

const keyboard = (value: string) => ({
  stepTag: 'step0001',
  choices: [{ label: value, value }],
  multiple: false,
});

describe('createOfferedKeyboards', () => {
  it('should recall a remembered keyboard and nothing for an unknown tag', () => {
    const offered = createOfferedKeyboards();
    offered.remember('tag-a', keyboard('a'));
    expect(offered.recall('tag-a')).toEqual(keyboard('a'));
    expect(offered.recall('tag-b')).toBeUndefined();
  });

  it('should forget the least recently used keyboard beyond its limit', () => {
    const offered = createOfferedKeyboards(2);
    offered.remember('a', keyboard('a'));
    offered.remember('b', keyboard('b'));
    offered.recall('a'); // now b is the least recently used
    offered.remember('c', keyboard('c'));
    expect(offered.size).toBe(2);
    expect(offered.recall('b')).toBeUndefined();
    expect(offered.recall('a')).toEqual(keyboard('a'));
    expect(offered.recall('c')).toEqual(keyboard('c'));
  });
});
