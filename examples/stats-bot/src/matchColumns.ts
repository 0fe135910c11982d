const simplify = (text: string): string =>
  text
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, ' ');

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Finds the column a user named: exactly, ignoring case, or ignoring the difference
 * between spaces, underscores and dashes (`area m2` is `area_m2`).
 *
 * @example
 * ```ts
 * findColumnName('Area M2', ['area_m2', 'price']); // 'area_m2'
 * ```
 */
export function findColumnName(text: string, names: readonly string[]): string | undefined {
  const exact = names.find((name) => name === text.trim());
  if (exact !== undefined) return exact;
  const wanted = simplify(text);
  return names.find((name) => simplify(name) === wanted);
}

/**
 * Finds the columns a sentence mentions ("histogram of price" mentions `price`), in the
 * order they appear; a longer name wins over a shorter one it contains.
 *
 * @example
 * ```ts
 * findColumnsIn('compare rooms and price', ['price', 'rooms']); // ['rooms', 'price']
 * ```
 */
export function findColumnsIn(text: string, names: readonly string[]): string[] {
  const haystack = simplify(text);
  const found: { name: string; at: number; length: number }[] = [];
  const byLength = [...names].sort((a, b) => b.length - a.length);
  for (const name of byLength) {
    const needle = simplify(name);
    if (needle === '') continue;
    const pattern = new RegExp(
      `(^|[^\\p{L}\\p{N}])${escapeRegExp(needle)}(?=$|[^\\p{L}\\p{N}])`,
      'gu',
    );
    for (const match of haystack.matchAll(pattern)) {
      const at = match.index + (match[1]?.length ?? 0);
      const overlaps = found.some(
        (other) => at < other.at + other.length && other.at < at + needle.length,
      );
      if (!overlaps) found.push({ name, at, length: needle.length });
    }
  }
  return found
    .sort((a, b) => a.at - b.at)
    .map((entry) => entry.name)
    .filter((name, index, all) => all.indexOf(name) === index);
}

/**
 * Reads a list of columns the user typed, separated by commas (or `and`), each matched
 * with {@link findColumnName}; names that match nothing are kept as typed, so the
 * workflow's refusal can name them.
 *
 * @example
 * ```ts
 * readColumnList('Rooms, area m2 and city', ['rooms', 'area_m2', 'city']); // ['rooms', 'area_m2', 'city']
 * ```
 */
export function readColumnList(text: string, names: readonly string[]): string[] {
  const whole = findColumnName(text, names);
  if (whole !== undefined) return [whole];
  return text
    .split(/\s*,\s*|\s+and\s+|\s*;\s*/i)
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map((part) => findColumnName(part, names) ?? part);
}
