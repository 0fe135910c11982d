import { describe, expect, it } from 'vitest';
import { and, createMachine, not, setup } from 'xstate';
import { mlTrainingMachine } from '../src/mlTrainingMachine.ts';
import { toMermaid } from '../src/toMermaid.ts';

describe('toMermaid', () => {
  it('should render ML training with guard names, invoke outcomes and final states', () => {
    const lines = toMermaid(mlTrainingMachine).split('\n');
    expect(lines[0]).toBe('stateDiagram-v2');
    expect(lines).toContain('  [*] --> awaiting_data');
    expect(lines).toContain(
      '  selecting_target --> selecting_features : target.selected [isColumnOfDataset]',
    );
    expect(lines).toContain('  selecting_features --> selecting_target : back');
    expect(lines).toContain('  confirming_model --> training : model.confirmed [suitsTarget]');
    expect(lines).toContain('  training --> complete : training done [isTrainedModel]');
    expect(lines).toContain('  training --> confirming_model : training done [else]');
    expect(lines).toContain('  training --> confirming_model : training error');
    expect(lines).toContain('  complete --> [*]');
    expect(lines).toContain('  cancelled --> [*]');
    expect(lines.at(-1)).toBe('');
  });

  it('should draw one edge per transition of the machine', () => {
    const edges = toMermaid(mlTrainingMachine)
      .split('\n')
      .filter((line) => / --> (?!\[\*\])/.test(line) && !line.includes('[*] -->'));
    let transitions = 0;
    for (const state of Object.values(mlTrainingMachine.states)) {
      for (const list of state.transitions.values()) transitions += list.length;
    }
    expect(edges).toHaveLength(transitions);
  });

  it('should render nested states in blocks, composite guards, delays, always and root transitions', () => {
    const machine = setup({
      guards: { isReady: () => true, isLate: () => false },
      delays: { soon: 1000 },
    }).createMachine({
      id: 'nested',
      initial: 'outer',
      on: { reset: '.outer' },
      states: {
        outer: {
          initial: 'first',
          states: {
            first: { on: { next: { target: 'last', guard: and(['isReady', not('isLate')]) } } },
            last: { type: 'final' },
          },
          onDone: 'waiting',
        },
        waiting: { after: { soon: 'deciding' } },
        deciding: { always: [{ guard: 'isReady', target: 'end' }, { target: 'outer' }] },
        end: { type: 'final' },
      },
    });
    expect(toMermaid(machine)).toBe(
      [
        'stateDiagram-v2',
        '  [*] --> outer',
        '  state outer {',
        '    [*] --> outer__first',
        '    state "first" as outer__first',
        '    state "last" as outer__last',
        '    outer__last --> [*]',
        '  }',
        '  %% any state --> outer : reset',
        '  outer --> waiting : done',
        '  outer__first --> outer__last : next [and(isReady, not(isLate))]',
        '  waiting --> deciding : after soon',
        '  deciding --> end : always [isReady]',
        '  deciding --> outer : always [else]',
        '  end --> [*]',
        '',
      ].join('\n'),
    );
  });

  it('should draw a targetless transition as a loop', () => {
    const machine = createMachine({ initial: 'idle', states: { idle: { on: { ping: {} } } } });
    expect(toMermaid(machine)).toContain('  idle --> idle : ping');
  });
});
