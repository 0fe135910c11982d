import { and, assign, fromPromise, not, setup } from 'xstate';
import type { PathEvents } from '../../src/testing/index.ts';

export interface Item {
  sku: string;
  price: number;
}

export interface OrderContext {
  items: Item[];
  sku: string | null;
  express: boolean;
  receipt: string | null;
  error: string | null;
}

export type OrderEvent =
  | { type: 'list.loaded'; items: Item[] }
  | { type: 'item.picked'; sku: string }
  | { type: 'confirm' }
  | { type: 'back' }
  | { type: 'cancel' };

export const catalogue: Item[] = [
  { sku: 'A1', price: 5 },
  { sku: 'B2', price: 500 },
];

/** What a variant of the order machine changes. */
export interface OrderVariant {
  /** Where `back` goes from `confirming`. */
  backFromConfirming?: 'picking' | 'idle';
  /** Whether the `isListedItem` branch of `item.picked` is tried before `isExpensive`. */
  listedFirst?: boolean;
}

/**
 * A small ordering workflow with what path tests must handle: a guard that can refuse
 * (`hasItems`), two guarded transitions to the same target (`isExpensive` and
 * `isListedItem` both go to `confirming`), an invoke with done and error, `back`
 * edges, a root-level `cancel`, and payloads that depend on the context.
 */
export function createOrderMachine(variant: OrderVariant = {}) {
  const expressPick = {
    guard: 'isExpensive',
    target: 'confirming',
    actions: 'recordExpressPick',
  } as const;
  const listedPick = {
    guard: 'isListedItem',
    target: 'confirming',
    actions: 'recordPick',
  } as const;
  return setup({
    types: { context: {} as OrderContext, events: {} as OrderEvent },
    guards: {
      hasItems: ({ event }) => event.type === 'list.loaded' && event.items.length > 0,
      isListedItem: ({ context, event }) =>
        event.type === 'item.picked' && context.items.some((item) => item.sku === event.sku),
      isExpensive: ({ context, event }) =>
        event.type === 'item.picked' &&
        context.items.some((item) => item.sku === event.sku && item.price >= 100),
    },
    actions: {
      recordItems: assign({
        items: ({ event }) => (event.type === 'list.loaded' ? event.items : []),
      }),
      recordPick: assign({
        sku: ({ event }) => (event.type === 'item.picked' ? event.sku : null),
        express: false,
      }),
      recordExpressPick: assign({
        sku: ({ event }) => (event.type === 'item.picked' ? event.sku : null),
        express: true,
      }),
    },
    actors: {
      submitOrder: fromPromise<{ receipt: string }, { sku: string | null }>(async () => {
        throw new Error('submitOrder is not provided');
      }),
    },
  }).createMachine({
    id: 'order',
    initial: 'idle',
    context: { items: [], sku: null, express: false, receipt: null, error: null },
    on: { cancel: '.cancelled' },
    states: {
      idle: {
        on: { 'list.loaded': { guard: 'hasItems', target: 'picking', actions: 'recordItems' } },
      },
      picking: {
        on: {
          'item.picked': variant.listedFirst
            ? [listedPick, expressPick]
            : [expressPick, listedPick],
          back: 'idle',
        },
      },
      confirming: {
        on: { confirm: 'submitting', back: variant.backFromConfirming ?? 'picking' },
      },
      submitting: {
        invoke: {
          id: 'submitter',
          src: 'submitOrder',
          input: ({ context }) => ({ sku: context.sku }),
          onDone: {
            target: 'done',
            actions: assign({ receipt: ({ event }) => event.output.receipt, error: null }),
          },
          onError: {
            target: 'confirming',
            actions: assign({ error: ({ event }) => (event.error as Error).message }),
          },
        },
      },
      done: { type: 'final' },
      cancelled: { type: 'final' },
    },
  });
}

export const orderMachine = createOrderMachine();

/** Every sample the order machine needs for full coverage. */
export const orderEvents: PathEvents<typeof orderMachine> = {
  'list.loaded': [
    { type: 'list.loaded', items: catalogue },
    { type: 'list.loaded', items: [] },
  ],
  'item.picked': (snapshot) => [
    ...snapshot.context.items.map((item) => ({ type: 'item.picked' as const, sku: item.sku })),
    { type: 'item.picked', sku: 'unknown' },
  ],
};

/** A machine with eventless transitions, combined guards and a nested state. */
export const gateMachine = setup({
  types: {
    context: {} as { count: number; open: boolean },
    events: {} as { type: 'bump' } | { type: 'toggle' } | { type: 'reset' },
  },
  guards: {
    isBig: ({ context }) => context.count >= 2,
    isOpen: ({ context }) => context.open,
  },
}).createMachine({
  id: 'gate',
  initial: 'counting',
  context: { count: 0, open: false },
  states: {
    counting: {
      always: { guard: and(['isBig', 'isOpen']), target: 'full' },
      on: {
        bump: { actions: assign({ count: ({ context }) => context.count + 1 }) },
        toggle: {
          guard: not('isBig'),
          actions: assign({ open: ({ context }) => !context.open }),
        },
      },
    },
    full: {
      initial: 'resting',
      states: { resting: { on: { reset: '#gate.counting' } } },
    },
  },
});

/** A parallel machine with a root-level event and a delayed transition. */
export const editorMachine = setup({
  types: {
    context: {} as { size: number },
    events: {} as { type: 'bold.toggle' } | { type: 'size.set'; size: number } | { type: 'reset' },
  },
  guards: {
    isSizeOk: ({ event }) => event.type === 'size.set' && event.size > 0 && event.size < 100,
  },
}).createMachine({
  id: 'editor',
  type: 'parallel',
  context: { size: 12 },
  on: { reset: { actions: assign({ size: 12 }) } },
  states: {
    style: {
      initial: 'plain',
      states: {
        plain: { on: { 'bold.toggle': 'bold' } },
        bold: { on: { 'bold.toggle': 'plain' } },
      },
    },
    size: {
      initial: 'idle',
      states: {
        idle: {
          on: {
            'size.set': {
              guard: 'isSizeOk',
              target: 'saving',
              actions: assign({ size: ({ event }) => event.size }),
            },
          },
        },
        saving: { after: { 500: 'idle' } },
      },
    },
  },
});
