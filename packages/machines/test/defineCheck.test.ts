import { describe, expect, it } from 'vitest';
import { assign, createActor, setup } from 'xstate';
import { z } from 'zod';
import { defineCheck } from '../src/defineCheck.ts';
import { exampleDataset } from '../src/fixtures.ts';
import { mlTrainingMachine } from '../src/mlTrainingMachine.ts';
import type { WorkflowDefinition } from '../src/types.ts';

interface SurveyContext {
  rating: number | null;
}

const isRating = defineCheck<SurveyContext>((_context, event) => {
  const rating = (event as { rating?: unknown }).rating;
  return Number.isInteger(rating) && (rating as number) >= 1 && (rating as number) <= 5
    ? undefined
    : 'Please rate from 1 to 5.';
}, 'Please rate from 1 to 5.');

const surveyMachine = setup({
  types: {
    context: {} as SurveyContext,
    events: {} as { type: 'rated'; rating: number } | { type: 'cancel' },
  },
  guards: { isRating: ({ context, event }) => isRating.passes(context, event) },
}).createMachine({
  id: 'survey',
  meta: { version: 1 },
  initial: 'asking',
  context: { rating: null },
  states: {
    asking: {
      description: 'Waits for a rating.',
      meta: { prompt: 'How did we do, from 1 to 5?' },
      on: {
        rated: {
          guard: 'isRating',
          target: 'done',
          actions: assign({ rating: ({ event }) => event.rating }),
        },
        cancel: 'cancelled',
      },
    },
    done: { type: 'final', description: 'Rated.', meta: { prompt: 'Thank you!' } },
    cancelled: { type: 'final', description: 'Cancelled.', meta: { prompt: 'Maybe next time.' } },
  },
});

const survey: WorkflowDefinition<typeof surveyMachine> = {
  type: 'survey',
  label: 'Rate us',
  description: 'Asks for a rating from 1 to 5.',
  version: 1,
  machine: surveyMachine,
  events: {
    rated: z.object({ type: z.literal('rated'), rating: z.number() }),
    cancel: z.object({ type: z.literal('cancel') }),
  },
  refusals: { isRating: isRating.refusal },
};

describe('defineCheck', () => {
  it('should give a guard and a refusal message that agree (the README example)', () => {
    const actor = createActor(survey.machine).start();
    actor.send({ type: 'rated', rating: 9 });
    expect(actor.getSnapshot().value).toBe('asking');
    expect(survey.refusals.isRating?.({ context: actor.getSnapshot().context, event: {} })).toBe(
      'Please rate from 1 to 5.',
    );
    actor.send({ type: 'rated', rating: 4 });
    expect(actor.getSnapshot().value).toBe('done');
    expect(actor.getSnapshot().context.rating).toBe(4);
  });

  it('should turn a throwing check into a refusal and the fallback message', () => {
    const check = defineCheck<{ limit: number }>((context) => {
      if (context.limit > 0) throw new Error('broken check');
      return undefined;
    }, 'Fallback.');
    expect(check.passes({ limit: 1 }, {})).toBe(false);
    expect(check.refusal({ context: { limit: 1 }, event: {} })).toBe('Fallback.');
    expect(check.passes({ limit: 0 }, {})).toBe(true);
    expect(check.refusal({ context: null, event: {} })).toBe('Fallback.');
  });

  it('should let the bot read the step prompt from the snapshot meta', () => {
    const actor = createActor(mlTrainingMachine).start();
    actor.send({ type: 'data.uploaded', dataset: exampleDataset() });
    actor.send({ type: 'target.selected', column: 'price' });
    expect(actor.getSnapshot().getMeta()).toEqual({
      mlTraining: { version: 1 },
      'mlTraining.selecting_features': {
        prompt: 'Which columns should the model learn from? Choose one or more feature columns.',
      },
    });
  });
});
