import { describe, expect, it } from 'vitest';
import { describeEvent } from '../../src/testing/index.ts';

describe('describeEvent', () => {
  it('should show a bare event as its type', () => {
    expect(describeEvent({ type: 'back' })).toBe('back');
  });

  it('should summarize primitives, arrays, named objects and errors', () => {
    expect(describeEvent({ type: 'target.selected', column: 'price' })).toBe(
      'target.selected(price)',
    );
    expect(describeEvent({ type: 'features.selected', columns: ['area', 'rooms'] })).toBe(
      'features.selected([area, rooms])',
    );
    expect(
      describeEvent({ type: 'data.uploaded', dataset: { id: 'd1', name: 'houses', rowCount: 3 } }),
    ).toBe('data.uploaded(houses)');
    expect(describeEvent({ type: 'model.selected', model: { modelId: 'm-7' } })).toBe(
      'model.selected(m-7)',
    );
    expect(describeEvent({ type: 'x', payload: { a: 1 }, n: 2 })).toBe('x({…}, 2)');
  });

  it("should drop the invoke id XState's done and error events repeat", () => {
    expect(
      describeEvent({
        type: 'xstate.error.actor.trainer',
        error: new Error('disk full'),
        actorId: 'trainer',
      }),
    ).toBe('xstate.error.actor.trainer(disk full)');
  });

  it('should cut a long summary', () => {
    const described = describeEvent({
      type: 'features.selected',
      columns: Array.from({ length: 30 }, (_, i) => `column${i}`),
    });
    expect(described).toBe(`features.selected(${'[column0, column1, column2, column3, co'}…)`);
  });
});
