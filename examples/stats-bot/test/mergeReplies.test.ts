import { describe, expect, it } from 'vitest';
import { mergeReplies } from '../src/mergeReplies.ts';

const choices = [{ label: 'a', value: 'a' }];
const image = { name: 'h.png', bytes: new Uint8Array([1]) };

describe('mergeReplies', () => {
  it('should fold plain texts into the reply that follows them', () => {
    expect(mergeReplies([{ text: 'one' }, { text: 'two' }, { text: 'pick', choices }])).toEqual([
      { text: 'one\ntwo\npick', choices },
    ]);
  });

  it('should keep a picture as its own reply and the texts after it together', () => {
    expect(mergeReplies([{ text: 'chart', image }, { text: 'note' }, { text: 'end' }])).toEqual([
      { text: 'chart', image },
      { text: 'note\nend' },
    ]);
  });

  it('should leave an empty list empty', () => {
    expect(mergeReplies([])).toEqual([]);
  });
});
