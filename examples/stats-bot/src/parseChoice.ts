import type { Choice } from './types.ts';

/** The outcome of reading a user's pick against the offered choices. */
export type ChoiceResult = { ok: true; values: string[] } | { ok: false; reason: string };

const normalize = (text: string): string => text.trim().toLowerCase();

function pickOne(token: string, choices: readonly Choice[]): Choice | undefined {
  const wanted = normalize(token);
  if (/^\d+$/.test(wanted)) {
    const index = Number(wanted) - 1;
    return choices[index];
  }
  return choices.find(
    (choice) => normalize(choice.value) === wanted || normalize(choice.label) === wanted,
  );
}

/**
 * Reads a user's pick among numbered choices: a number (`2`), a name (`price`,
 * case-insensitive, matching the value or the label), or, when `multiple` is set,
 * several of them separated by commas (`1,3`, `rooms, area`) or spaces when they
 * are all numbers (`1 3`), or `all`.
 *
 * Returns the picked values in the order given, without duplicates, or why the text
 * is not a pick (`ok: false`), so the caller can try reading it another way.
 *
 * @example
 * ```ts
 * parseChoice('1,3', [{ label: 'a', value: 'a' }, { label: 'b', value: 'b' }, { label: 'c', value: 'c' }], { multiple: true });
 * // { ok: true, values: ['a', 'c'] }
 * ```
 */
export function parseChoice(
  text: string,
  choices: readonly Choice[],
  options: { multiple?: boolean } = {},
): ChoiceResult {
  const input = text.trim();
  if (input === '' || choices.length === 0) {
    return { ok: false, reason: 'Nothing to pick from.' };
  }
  const single = pickOne(input, choices);
  if (single) return { ok: true, values: [single.value] };
  if (!options.multiple) {
    return { ok: false, reason: `"${input}" is not one of the choices.` };
  }
  if (normalize(input) === 'all') {
    return { ok: true, values: choices.map((choice) => choice.value) };
  }
  const tokens = /^[\d\s,]+$/.test(input)
    ? input.split(/[\s,]+/)
    : input.split(',').map((token) => token.trim());
  const values: string[] = [];
  const unknown: string[] = [];
  for (const token of tokens) {
    if (token === '') continue;
    const choice = pickOne(token, choices);
    if (!choice) unknown.push(token);
    else if (!values.includes(choice.value)) values.push(choice.value);
  }
  if (unknown.length > 0 || values.length === 0) {
    return {
      ok: false,
      reason: `Not among the choices: ${unknown.map((token) => `"${token}"`).join(', ')}.`,
    };
  }
  return { ok: true, values };
}
