/**
 * Reads a conversation script: one user message per line; blank lines and lines whose
 * first non-blank character is `#` are skipped; surrounding blanks are trimmed.
 *
 * @example
 * ```ts
 * parseScript('# demo\n/start\n\n1\n'); // ['/start', '1']
 * ```
 */
export function parseScript(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}
