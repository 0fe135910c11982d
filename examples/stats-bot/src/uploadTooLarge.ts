/** Shows a byte count in the unit a person reads best: B, KB or MB (2^10, 2^20). */
export function formatBytes(bytes: number): string {
  if (bytes < 2 ** 10) return `${bytes} B`;
  if (bytes < 2 ** 20) return `${(bytes / 2 ** 10).toFixed(1)} KB`;
  return `${(bytes / 2 ** 20).toFixed(1)} MB`;
}

/**
 * The message for a file over the upload limit, the same whether the console noticed
 * it before reading the file or the bot after receiving it.
 *
 * @example
 * ```ts
 * uploadTooLarge('big.csv', 30 * 2 ** 20, 20 * 2 ** 20);
 * // '"big.csv" is 30.0 MB, over the upload limit of 20.0 MB. ...'
 * ```
 */
export function uploadTooLarge(name: string, sizeBytes: number, limitBytes: number): string {
  return `"${name}" is ${formatBytes(sizeBytes)}, over the upload limit of ${formatBytes(limitBytes)}. Nothing was changed; please send a smaller file (a sample of the rows, or fewer columns).`;
}
