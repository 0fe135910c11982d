/** The most characters of user input a message ever echoes. */
const maxEcho = 40;

/** How many names a list in a message shows before "and N more". */
const maxListed = 10;

/**
 * Shortens a user-supplied name for a message: control characters become spaces and
 * anything past 40 characters becomes an ellipsis.
 *
 * @param text - a name taken from user input or from the user's data
 * @returns the text, safe to show inside a sentence
 */
export function clip(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed
  const flat = text.replace(/[\u0000-\u001f\u007f]+/g, ' ');
  return flat.length > maxEcho ? `${flat.slice(0, maxEcho)}…` : flat;
}

/**
 * Names a value the user sent, for a refusal message: a string is quoted and clipped,
 * anything else is named by its kind ("a number", "an object").
 *
 * @param value - the offending payload field
 * @returns a short description of it
 */
export function quote(value: unknown): string {
  if (typeof value === 'string') return `"${clip(value)}"`;
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  const kind = typeof value;
  return kind === 'object' ? 'an object' : `a ${kind}`;
}

/**
 * Lists names for a message, each clipped, at most ten of them, then "and N more".
 *
 * @param names - the names to list
 * @returns the names joined with commas, or "none" when there are none
 */
export function listNames(names: readonly string[]): string {
  if (names.length === 0) return 'none';
  const shown = names.slice(0, maxListed).map(clip).join(', ');
  return names.length > maxListed ? `${shown} and ${names.length - maxListed} more` : shown;
}
