import { describe, expect, it } from 'vitest';
import { fromCallback, setup } from 'xstate';
import { createPathTests, invokeEvents, PathReplayError } from '../../src/testing/index.ts';
import { editorMachine, orderEvents, orderMachine } from './fixtures.ts';

const events = {
  ...orderEvents,
  ...invokeEvents(orderMachine, {
    submitter: { output: [{ receipt: 'r1' }], error: [new Error('declined')] },
  }),
};
const { paths, coverage } = createPathTests(orderMachine, { events });

describe('createPathTests', () => {
  describe.each(paths)('%s', (path) => {
    it('replays', () => path.run());
  });

  it(`covers 100% of transitions (${coverage.covered}/${coverage.total} edges)`, () => {
    expect(coverage.missing).toEqual([]);
    expect(coverage.covered).toBe(11);
  });

  it('should cover and replay a parallel machine, sending delayed events as XState raises them', () => {
    const editor = createPathTests(editorMachine, {
      events: {
        'size.set': [
          { type: 'size.set', size: 14 },
          { type: 'size.set', size: -1 },
        ],
      },
    });
    expect(editor.coverage.edges.map((edge) => edge.id)).toEqual([
      'editor --reset--> editor',
      'style.plain --bold.toggle--> style.bold',
      'style.bold --bold.toggle--> style.plain',
      'size.idle --size.set [isSizeOk]--> size.saving',
      'size.idle --size.set [refused: isSizeOk]',
      'size.saving --xstate.after.500.editor.size.saving--> size.idle',
    ]);
    expect(editor.coverage.missing).toEqual([]);
    for (const path of editor.paths) {
      expect(() => path.run(), path.description).not.toThrow();
    }
  });

  it('should name each path by its full description', () => {
    const long = paths.find((path) => path.description.length > 40);
    expect(long).toBeDefined();
    expect(String(long)).toBe(long!.description);
    expect(`${long}`).toBe(long!.description);
  });

  it('should pass the input to generation and to every replay', () => {
    const machine = setup({
      types: {
        context: {} as { n: number },
        input: {} as { n: number },
        events: {} as { type: 'go' },
      },
    }).createMachine({
      id: 'inputs',
      context: ({ input }) => ({ n: input.n }),
      initial: 'a',
      states: { a: { on: { go: 'b' } }, b: {} },
    });
    const tests = createPathTests(machine, { input: { n: 7 } });
    expect(tests.paths.map((path) => path.initial.context)).toEqual([{ n: 7 }]);
    expect(() => tests.paths[0]!.run()).not.toThrow();
  });

  it('should pass actors and restore through to every replay', () => {
    const machine = setup({
      types: { context: {} as { tags: Set<string> }, events: {} as { type: 'listen' } },
      actors: { listenForUpdates: fromCallback(() => () => {}) },
    }).createMachine({
      id: 'listener',
      context: { tags: new Set() },
      initial: 'idle',
      states: {
        idle: { on: { listen: 'listening' } },
        listening: { invoke: { id: 'updates', src: 'listenForUpdates' } },
      },
    });
    const failing = fromCallback(() => {
      throw new Error('provided source failed');
    });
    const [withFailingActor] = createPathTests(machine, {
      actors: { listenForUpdates: failing },
      restore: false,
    }).paths;
    expect(() => withFailingActor!.run()).toThrow(/the actor failed: provided source failed/);
    const [withoutRestore] = createPathTests(machine, { restore: false }).paths;
    expect(() => withoutRestore!.run()).not.toThrow();
    const [withRestore] = createPathTests(machine).paths;
    expect(() => withRestore!.run()).toThrow(PathReplayError);
  });
});
