import type { InlineKeyboardButton, InlineKeyboardMarkup } from 'grammy/types';
import type { Choice, Reply } from './types.ts';

/** Telegram's limit on a button's callback data, in bytes. */
const maxCallbackBytes = 64;

/** The most options a multi-select keyboard offers (the mask must stay short). */
export const maxToggleOptions = 60;

const checked = '✅ ';
const submitLabel = 'Done ✔';

/** What a button of the bot's keyboards asks for. */
export type ButtonAction =
  /** Sends this text, as if typed: a choice's value, or its number. */
  | { kind: 'text'; text: string }
  /** Flips option `index` of a multi-select whose picked options are `mask`. */
  | { kind: 'toggle'; mask: bigint; index: number }
  /** Submits a multi-select with the options in `mask`. */
  | { kind: 'submit'; mask: bigint };

function valueButton(choice: Choice, index: number): InlineKeyboardButton {
  const byValue = `v:${choice.value}`;
  const data = Buffer.byteLength(byValue) <= maxCallbackBytes ? byValue : `n:${index + 1}`;
  return { text: choice.label.slice(0, 64), callback_data: data };
}

function rows<T>(items: readonly T[], perRow: number): T[][] {
  const result: T[][] = [];
  for (let index = 0; index < items.length; index += perRow) {
    result.push(items.slice(index, index + perRow));
  }
  return result;
}

/** How many buttons fit a row, from the longest label. */
function perRow(choices: readonly Choice[]): number {
  const longest = Math.max(...choices.map((choice) => choice.label.length));
  return longest > 24 ? 1 : longest > 12 ? 2 : 3;
}

/**
 * The inline keyboard of a reply: one button per choice (sending the choice's value),
 * or, for a multi-select, toggles that tick options in place and a "Done" button that
 * sends the ticked ones.
 *
 * @example
 * ```ts
 * await ctx.reply(reply.text, { reply_markup: replyKeyboard(reply) });
 * ```
 */
export function replyKeyboard(reply: Reply, mask = 0n): InlineKeyboardMarkup | undefined {
  const choices = reply.choices ?? [];
  if (choices.length === 0) return undefined;
  if (!reply.multiple || choices.length > maxToggleOptions) {
    return { inline_keyboard: rows(choices.map(valueButton), perRow(choices)) };
  }
  const toggles = choices.map((choice, index): InlineKeyboardButton => {
    const on = ((mask >> BigInt(index)) & 1n) === 1n;
    return {
      text: `${on ? checked : ''}${choice.label}`.slice(0, 64),
      callback_data: `t:${mask.toString(36)}:${index}`,
    };
  });
  return {
    inline_keyboard: [
      ...rows(toggles, perRow(choices)),
      [{ text: submitLabel, callback_data: `s:${mask.toString(36)}` }],
    ],
  };
}

/**
 * Rebuilds a multi-select keyboard with option `index` flipped, from the keyboard of the
 * message the button belongs to (so no state is kept between updates).
 */
export function toggledKeyboard(
  keyboard: InlineKeyboardMarkup,
  mask: bigint,
  index: number,
): { keyboard: InlineKeyboardMarkup; mask: bigint } {
  const labels = keyboard.inline_keyboard
    .flat()
    .filter((button) => 'callback_data' in button && button.callback_data?.startsWith('t:'))
    .map((button) =>
      button.text.startsWith(checked) ? button.text.slice(checked.length) : button.text,
    );
  const next = mask ^ (1n << BigInt(index));
  const reply: Reply = {
    text: '',
    choices: labels.map((label) => ({ label, value: label })),
    multiple: true,
  };
  return { keyboard: replyKeyboard(reply, next) ?? { inline_keyboard: [] }, mask: next };
}

/** The options a mask picks, as 1-based numbers. */
export function maskNumbers(mask: bigint, count: number): number[] {
  const numbers: number[] = [];
  for (let index = 0; index < count; index += 1) {
    if (((mask >> BigInt(index)) & 1n) === 1n) numbers.push(index + 1);
  }
  return numbers;
}

function parseMask(text: string): bigint | undefined {
  if (!/^[0-9a-z]{1,13}$/.test(text)) return undefined;
  let mask = 0n;
  for (const digit of text) mask = mask * 36n + BigInt(Number.parseInt(digit, 36));
  return mask < 1n << BigInt(maxToggleOptions) ? mask : undefined;
}

/** Reads a button's callback data; `undefined` for data the bot did not write. */
export function readButton(data: string): ButtonAction | undefined {
  if (data.startsWith('v:')) return { kind: 'text', text: data.slice(2) };
  const number = /^n:(\d{1,3})$/.exec(data);
  if (number) return { kind: 'text', text: number[1] ?? '' };
  const toggle = /^t:([0-9a-z]+):(\d{1,2})$/.exec(data);
  if (toggle) {
    const mask = parseMask(toggle[1] ?? '');
    const index = Number(toggle[2]);
    return mask === undefined || index >= maxToggleOptions
      ? undefined
      : { kind: 'toggle', mask, index };
  }
  const submit = /^s:([0-9a-z]+)$/.exec(data);
  if (submit) {
    const mask = parseMask(submit[1] ?? '');
    return mask === undefined ? undefined : { kind: 'submit', mask };
  }
  return undefined;
}
