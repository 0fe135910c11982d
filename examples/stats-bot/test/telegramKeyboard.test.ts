import { describe, expect, it } from 'vitest';
import {
  maskNumbers,
  readButton,
  replyKeyboard,
  toggledKeyboard,
} from '../src/telegramKeyboard.ts';

const choice = (label: string, value = label) => ({ label, value });

describe('replyKeyboard', () => {
  it('should give no keyboard to a reply without choices', () => {
    expect(replyKeyboard({ text: 'hi' })).toBeUndefined();
  });

  it('should send the value of a choice, or its number when the value is too long', () => {
    const long = 'x'.repeat(70);
    const keyboard = replyKeyboard({ text: '', choices: [choice('price'), choice('long', long)] });
    expect(keyboard?.inline_keyboard.flat()).toEqual([
      { text: 'price', callback_data: 'v:price' },
      { text: 'long', callback_data: 'n:2' },
    ]);
  });

  it('should make toggles and a Done button for a multi-select', () => {
    const keyboard = replyKeyboard({
      text: '',
      choices: [choice('a'), choice('b')],
      multiple: true,
    });
    expect(keyboard?.inline_keyboard.flat()).toEqual([
      { text: 'a', callback_data: 't:0:0' },
      { text: 'b', callback_data: 't:0:1' },
      { text: 'Done ✔', callback_data: 's:0' },
    ]);
  });
});

describe('toggledKeyboard', () => {
  it('should tick and untick options from the keyboard alone', () => {
    const first = replyKeyboard({ text: '', choices: [choice('a'), choice('b')], multiple: true });
    const ticked = toggledKeyboard(first ?? { inline_keyboard: [] }, 0n, 1);
    expect(ticked.mask).toBe(2n);
    expect(ticked.keyboard.inline_keyboard.flat().map((button) => button.text)).toEqual([
      'a',
      '✅ b',
      'Done ✔',
    ]);
    const unticked = toggledKeyboard(ticked.keyboard, ticked.mask, 1);
    expect(unticked.mask).toBe(0n);
    expect(unticked.keyboard.inline_keyboard.flat()[1]?.text).toBe('b');
  });
});

describe('readButton', () => {
  it('should read the buttons the bot writes and nothing else', () => {
    expect(readButton('v:/train')).toEqual({ kind: 'text', text: '/train' });
    expect(readButton('n:12')).toEqual({ kind: 'text', text: '12' });
    expect(readButton('t:3:1')).toEqual({ kind: 'toggle', mask: 3n, index: 1 });
    expect(readButton('s:a')).toEqual({ kind: 'submit', mask: 10n });
    expect(readButton('cf:c:abc:1')).toBeUndefined();
    expect(readButton('t:zzzzzzzzzzzzz:1')).toBeUndefined();
  });

  it('should list the ticked options as numbers', () => {
    expect(maskNumbers(10n, 4)).toEqual([2, 4]);
  });
});
