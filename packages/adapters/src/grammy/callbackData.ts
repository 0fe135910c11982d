import { createHash } from 'node:crypto';

/**
 * What a button of the middleware's inline keyboards asks for. Buttons name the step
 * they belong to by a `tag` (see {@link stepTag}), so a button of an earlier step or of
 * a session that was reset is recognized as stale instead of being applied to the
 * current step.
 */
export type CallbackAction =
  /** Picks choice `index` of the step. */
  | { kind: 'choice'; tag: string; index: number }
  /** Flips option `index` of a multi-select; `mask` holds the options picked so far. */
  | { kind: 'toggle'; tag: string; mask: bigint; index: number }
  /** Submits a multi-select with the options in `mask`. */
  | { kind: 'submit'; tag: string; mask: bigint }
  /** Goes back one step. */
  | { kind: 'back'; tag: string }
  /** Cancels the workflow. */
  | { kind: 'cancel'; tag: string }
  /** Starts the workflow of this type. */
  | { kind: 'start'; workflow: string }
  /**
   * Picks the choice whose value travels in the data itself (a host's reply, see the
   * middleware's `respond` option); `tag` names the session's step it was offered in.
   */
  | { kind: 'value'; tag: string; value: string };

/** Telegram's limit on a button's callback data, in bytes. */
export const maxCallbackDataBytes = 64;

/** Most options a multi-select offers (Telegram shows at most 100 buttons). */
export const maxMultiSelectOptions = 90;

const prefix = 'cf:';
const tagPattern = '[A-Za-z0-9_-]{8}';
const maskPattern = '[0-9a-z]{1,20}';
const indexPattern = '(?:0|[1-9][0-9]?)';
const patterns = {
  choice: new RegExp(`^c:(${tagPattern}):(${indexPattern})$`),
  toggle: new RegExp(`^t:(${tagPattern}):(${maskPattern}):(${indexPattern})$`),
  submit: new RegExp(`^s:(${tagPattern}):(${maskPattern})$`),
  back: new RegExp(`^b:(${tagPattern})$`),
  cancel: new RegExp(`^x:(${tagPattern})$`),
  start: /^w:([A-Za-z0-9_.-]{1,56})$/,
  value: new RegExp(`^v:(${tagPattern}):([\\s\\S]+)$`),
};

/**
 * A short fingerprint of a step: changes when the session, the workflow, the step or
 * the buttons it offers change. Eight URL-safe characters.
 *
 * @example
 * ```ts
 * stepTag([session.sessionId, 'ml_training', 'selecting_target', 'price|rooms']);
 * ```
 */
export function stepTag(parts: readonly string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('base64url').slice(0, 8);
}

/**
 * Encodes an action as callback data, or `undefined` when it cannot fit in
 * {@link maxCallbackDataBytes} (a workflow type longer than 56 characters, a value
 * longer than 50 bytes).
 *
 * @example
 * ```ts
 * encodeCallbackData({ kind: 'choice', tag, index: 2 }); // 'cf:c:<tag>:2'
 * ```
 */
export function encodeCallbackData(action: CallbackAction): string | undefined {
  const data = bodyOf(action);
  // A step's own buttons are built per update: their shape is checked directly. The rest
  // (workflow types, values, anything malformed) is checked by decoding what was written.
  if (isWellFormedStepAction(action)) return prefix + data;
  // Round-trip check: anything the decoder would refuse is not emitted.
  return decodeCallbackData(prefix + data) === undefined ? undefined : prefix + data;
}

const maskLimit = 1n << BigInt(maxMultiSelectOptions);
const tagShape = new RegExp(`^${tagPattern}$`);

const isTag = (tag: unknown) => typeof tag === 'string' && tagShape.test(tag);
const isIndex = (index: unknown) =>
  typeof index === 'number' && Number.isInteger(index) && index >= 0 && index <= 99;
const isMask = (mask: unknown) => typeof mask === 'bigint' && mask >= 0n && mask < maskLimit;

/**
 * True for a choice, toggle, submit, back or cancel whose tag, index and mask are what
 * {@link decodeCallbackData} reads back (its data is then at most 35 bytes: a mask below
 * 2^90 has at most 18 base-36 digits).
 */
function isWellFormedStepAction(action: CallbackAction): boolean {
  switch (action.kind) {
    case 'choice':
      return isTag(action.tag) && isIndex(action.index);
    case 'toggle':
      return isTag(action.tag) && isMask(action.mask) && isIndex(action.index);
    case 'submit':
      return isTag(action.tag) && isMask(action.mask);
    case 'back':
    case 'cancel':
      return isTag(action.tag);
    default:
      return false;
  }
}

function bodyOf(action: CallbackAction): string {
  let data: string;
  switch (action.kind) {
    case 'choice':
      data = `c:${action.tag}:${action.index}`;
      break;
    case 'toggle':
      data = `t:${action.tag}:${action.mask.toString(36)}:${action.index}`;
      break;
    case 'submit':
      data = `s:${action.tag}:${action.mask.toString(36)}`;
      break;
    case 'back':
      data = `b:${action.tag}`;
      break;
    case 'cancel':
      data = `x:${action.tag}`;
      break;
    case 'start':
      data = `w:${action.workflow}`;
      break;
    case 'value':
      data = `v:${action.tag}:${action.value}`;
      break;
  }
  return data;
}

/**
 * Decodes callback data written by {@link encodeCallbackData}. Anything else (data of
 * other buttons of the bot, malformed or oversized data) is `undefined`; nothing here
 * throws.
 */
export function decodeCallbackData(data: string): CallbackAction | undefined {
  if (!data.startsWith(prefix) || Buffer.byteLength(data) > maxCallbackDataBytes) return undefined;
  const body = data.slice(prefix.length);
  let match = patterns.choice.exec(body);
  if (match) return { kind: 'choice', tag: match[1]!, index: Number(match[2]) };
  match = patterns.toggle.exec(body);
  if (match) {
    const mask = parseMask(match[2]!);
    const index = Number(match[3]);
    return mask === undefined ? undefined : { kind: 'toggle', tag: match[1]!, mask, index };
  }
  match = patterns.submit.exec(body);
  if (match) {
    const mask = parseMask(match[2]!);
    return mask === undefined ? undefined : { kind: 'submit', tag: match[1]!, mask };
  }
  match = patterns.back.exec(body);
  if (match) return { kind: 'back', tag: match[1]! };
  match = patterns.cancel.exec(body);
  if (match) return { kind: 'cancel', tag: match[1]! };
  match = patterns.start.exec(body);
  if (match) return { kind: 'start', workflow: match[1]! };
  match = patterns.value.exec(body);
  if (match) return { kind: 'value', tag: match[1]!, value: match[2]! };
  return undefined;
}

/** The options a multi-select mask picks, in option order. */
export function maskIndexes(mask: bigint, optionCount: number): number[] {
  const indexes: number[] = [];
  for (let index = 0; index < optionCount; index++) {
    if ((mask >> BigInt(index)) & 1n) indexes.push(index);
  }
  return indexes;
}

/** True when a mask only names options `0..optionCount-1`. */
export function isMaskWithin(mask: bigint, optionCount: number): boolean {
  return mask >= 0n && mask < 1n << BigInt(optionCount);
}

function parseMask(text: string): bigint | undefined {
  let mask = 0n;
  for (const digit of text) mask = mask * 36n + BigInt(Number.parseInt(digit, 36));
  return mask < 1n << BigInt(maxMultiSelectOptions) ? mask : undefined;
}
