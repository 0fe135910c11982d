import { createRng } from './createRng.ts';

/** Options of {@link splitHoldout}. */
export interface SplitHoldoutOptions {
  /** Seed of the shuffle: the same seed gives the same split. */
  seed: number;
  /**
   * The share of rows held out for scoring.
   * @default 0.2
   */
  holdoutShare?: number;
  /**
   * A group per row (a class label): when given, each group is split on its own so the
   * holdout keeps the groups' proportions.
   * @default no strata (one shuffle of all rows)
   */
  strata?: readonly (string | number)[];
}

/** Row positions for training and for scoring. */
export interface HoldoutSplit {
  train: number[];
  holdout: number[];
}

/**
 * Splits `rows` (row positions) into a training part and a holdout part with a seeded
 * shuffle: about `holdoutShare` of the rows (at least one, and at least one left to
 * train on) are held out, per stratum when `strata` is given. Both parts come back in
 * ascending order.
 *
 * @example
 * ```ts
 * const { train, holdout } = splitHoldout([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], { seed: 7 });
 * // train has 8 positions, holdout 2; the same seed always picks the same ones
 * ```
 */
export function splitHoldout(rows: readonly number[], options: SplitHoldoutOptions): HoldoutSplit {
  const share = options.holdoutShare ?? 0.2;
  const rng = createRng(options.seed);
  const groups = new Map<string | number, number[]>();
  rows.forEach((row, i) => {
    const key = options.strata?.[i] ?? '';
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [row]);
    else group.push(row);
  });
  const train: number[] = [];
  const holdout: number[] = [];
  const keys = [...groups.keys()].sort((a, b) => String(a).localeCompare(String(b)));
  for (const key of keys) {
    const group = rng.shuffle([...(groups.get(key) ?? [])]);
    let count = Math.round(group.length * share);
    if (group.length >= 2) count = Math.min(Math.max(count, 1), group.length - 1);
    else count = 0;
    holdout.push(...group.slice(0, count));
    train.push(...group.slice(count));
  }
  if (holdout.length === 0 && train.length >= 2) {
    const moved = train.splice(rng.int(train.length), 1);
    holdout.push(...moved);
  }
  return { train: train.sort((a, b) => a - b), holdout: holdout.sort((a, b) => a - b) };
}
