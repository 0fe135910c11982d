import type { SessionView } from '@chatflow/runtime';
import { InlineKeyboard } from 'grammy';
import { encodeCallbackData, maxMultiSelectOptions, stepTag } from './callbackData.ts';
import { type Button, flowing, maxChoices } from './stepKeyboard.ts';
import type { ReplyChoice } from './types.ts';

/**
 * The tag of a session's current step: it changes when the session is replaced, its
 * workflow or step changes, or its data set is replaced. A host reply's buttons carry it,
 * so a button pressed after the conversation moved on is refused.
 */
export function sessionStepTag(session: SessionView | undefined): string {
  return stepTag([
    'host',
    session?.sessionId ?? '',
    session?.workflow?.type ?? '',
    session?.workflow?.state ?? '',
    session?.dataset?.id ?? '',
  ]);
}

/** The tag of one reply's keyboard: its step and what it offers. */
export function replyKeyboardTag(
  step: string,
  choices: readonly ReplyChoice[],
  multiple: boolean,
): string {
  return stepTag([
    step,
    JSON.stringify([multiple, choices.map((choice) => [choice.label, choice.value])]),
  ]);
}

/** What {@link replyKeyboard} needs. */
export interface ReplyKeyboardArgs {
  choices: readonly ReplyChoice[];
  multiple: boolean;
  /** The session's step ({@link sessionStepTag}). */
  step: string;
  /** The keyboard's own tag ({@link replyKeyboardTag}). */
  tag: string;
  /** The multi-select options picked so far. */
  mask?: bigint;
  doneLabel: string;
}

/**
 * The inline keyboard of a host reply, or `undefined` without choices. A choice whose
 * value fits in the callback data carries it (`cf:v:<step>:<value>`, read back without
 * memory, after a restart too); a longer one carries its index under the keyboard's tag.
 * A multi-select is toggles (`✅` on the picked ones) and a `Done (n)` button, its
 * picked options in the data as a bit mask. At most 90 buttons are shown.
 */
export function replyKeyboard(args: ReplyKeyboardArgs): InlineKeyboard | undefined {
  const { choices, tag } = args;
  if (choices.length === 0) return undefined;
  if (!args.multiple) {
    const buttons = choices.slice(0, maxChoices).flatMap((choice, index) => {
      const data =
        encodeCallbackData({ kind: 'value', tag: args.step, value: choice.value }) ??
        encodeCallbackData({ kind: 'choice', tag, index });
      return data === undefined ? [] : [{ label: choice.label, data }];
    });
    return new InlineKeyboard(flowing(buttons));
  }
  const mask = args.mask ?? 0n;
  let picked = 0;
  const toggles = choices.slice(0, maxMultiSelectOptions).map((choice, index) => {
    const on = ((mask >> BigInt(index)) & 1n) === 1n;
    if (on) picked += 1;
    const data = encodeCallbackData({ kind: 'toggle', tag, mask, index }) ?? '';
    return { label: `${on ? '✅ ' : ''}${choice.label}`, data };
  });
  const rows: Button[][] = flowing(toggles);
  const submit = encodeCallbackData({ kind: 'submit', tag, mask });
  if (submit !== undefined) {
    rows.push([InlineKeyboard.text(`${args.doneLabel} (${picked})`, submit)]);
  }
  return new InlineKeyboard(rows);
}
