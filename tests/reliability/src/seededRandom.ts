/** A pseudo-random source that replays exactly from its seed. */
export interface SeededRandom {
  /** The seed it started from. */
  readonly seed: number;
  /** A number in [0, 1). */
  next(): number;
  /** An integer in [min, max], both included. */
  int(min: number, max: number): number;
  /** True with probability `p`. */
  chance(p: number): boolean;
  /** One of `items` (which must not be empty). */
  pick<T>(items: readonly T[]): T;
  /** A seed for a child random source, drawn from this one. */
  fork(): number;
}

/**
 * A mulberry32 generator: small, fast, and the same sequence for the same seed on
 * every machine, so a failing run replays from its printed seed.
 *
 * @example
 * ```ts
 * const random = createSeededRandom(42);
 * random.int(1, 6); // the same roll on every run with seed 42
 * ```
 */
export function createSeededRandom(seed: number): SeededRandom {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  return {
    seed,
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (p) => next() < p,
    pick<T>(items: readonly T[]): T {
      if (items.length === 0) throw new RangeError('pick() needs at least one item');
      return items[Math.floor(next() * items.length)] as T;
    },
    fork: () => Math.floor(next() * 4_294_967_296),
  };
}

/**
 * The seed of a randomized test: the environment variable `name` when set (to replay a
 * failure), a fresh random one otherwise. The seed is printed either way.
 *
 * @example
 * ```ts
 * const random = createSeededRandom(seedFromEnv('CHATFLOW_CRASH_SEED'));
 * // prints: CHATFLOW_CRASH_SEED=123456789 (set it to replay this run)
 * ```
 */
export function seedFromEnv(name: string, env: NodeJS.ProcessEnv = process.env): number {
  const given = env[name] ?? env.CHATFLOW_SEED;
  const seed =
    given !== undefined && given.trim() !== '' && Number.isInteger(Number(given))
      ? Number(given) >>> 0
      : Math.floor(Math.random() * 4_294_967_296);
  console.log(`${name}=${seed} (set it to replay this run)`);
  return seed;
}
