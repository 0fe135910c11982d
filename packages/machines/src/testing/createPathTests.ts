import type { AnyStateMachine } from 'xstate';
import { generatePaths } from './generatePaths.ts';
import { replayPath } from './replayPath.ts';
import type { PathTestOptions, PathTests, ReplayOptions } from './types.ts';

/**
 * Generates a machine's paths and binds each to its replay against a real actor: the
 * one call a path-test suite needs. `paths` feed `describe.each`, `coverage` says which
 * (state, event, guard outcome) edges the paths go through and which they miss.
 *
 * See `generatePaths` for how paths are chosen and `replayPath` for what a replay checks.
 *
 * @example
 * ```ts
 * import { describe, expect, it } from 'vitest';
 * import { createPathTests, invokeEvents } from '@chatflow/machines/testing';
 *
 * const { paths, coverage } = createPathTests(orderMachine, {
 *   events: {
 *     'item.added': [{ type: 'item.added', sku: 'A1' }, { type: 'item.added', sku: '' }],
 *     ...invokeEvents(orderMachine, { payment: { output: [{ receipt: 'r1' }], error: [new Error('declined')] } }),
 *   },
 * });
 *
 * describe.each(paths)('%s', (path) => {
 *   it('replays', () => path.run());
 * });
 * it(`covers every transition (${coverage.covered}/${coverage.total})`, () => {
 *   expect(coverage.missing).toEqual([]);
 * });
 * ```
 */
export function createPathTests<TMachine extends AnyStateMachine>(
  machine: TMachine,
  options: PathTestOptions<TMachine> = {},
): PathTests {
  const { paths, coverage } = generatePaths(machine, options);
  const replayOptions: ReplayOptions<TMachine> = {};
  if (options.input !== undefined) {
    replayOptions.input = options.input;
  }
  if (options.actors !== undefined) {
    replayOptions.actors = options.actors;
  }
  if (options.restore !== undefined) {
    replayOptions.restore = options.restore;
  }
  return {
    paths: paths.map((path) => ({
      ...path,
      run: () => replayPath(machine, path, replayOptions),
      toString: () => path.description,
    })),
    coverage,
  };
}
