import { createRequire } from 'node:module';
import type { WorkflowDefinition } from '@chatflow/machines';

/** A zod schema, as a workflow definition's `events` holds them. */
export type EventSchema = WorkflowDefinition['events'][string];

/** The zod builders the test workflows use. */
export interface ZodBuilders {
  object(shape: Record<string, EventSchema>): EventSchema;
  literal(value: string): EventSchema;
  string(): EventSchema & {
    min(length: number): EventSchema & { max(length: number): EventSchema };
  };
  number(): EventSchema & { int(): EventSchema };
}

/**
 * zod, from the copy the runtime itself depends on, so the schemas of the test
 * workflows are the kind the runtime validates events with.
 *
 * @example
 * ```ts
 * const events = { add: z.object({ type: z.literal('add'), amount: z.number().int() }) };
 * ```
 */
export const z = createRequire(new URL('../../../packages/runtime/package.json', import.meta.url))(
  'zod',
) as ZodBuilders;
