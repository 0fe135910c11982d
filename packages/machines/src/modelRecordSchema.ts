import { z } from 'zod';
import type { ModelRecord } from './types.ts';

const name = z.string().min(1).max(256);

/** The most metrics a model record may carry. */
const maxMetrics = 100;

/** Validates a {@link ModelRecord}, as ML prediction receives them in `input.models`. */
export const modelRecordSchema = z.object({
  modelId: name,
  modelType: z.enum([
    'linear_regression',
    'random_forest_regression',
    'logistic_regression',
    'random_forest_classification',
  ]),
  target: name,
  features: z.array(name).min(1).max(10_000),
  metrics: z
    .record(z.string().max(256), z.number())
    .refine((metrics) => Object.keys(metrics).length <= maxMetrics, {
      message: `At most ${maxMetrics} metrics`,
    }),
  datasetId: name,
});

/**
 * Reads model records out of an untrusted list, keeping the well-formed ones with
 * distinct ids (the first of a repeated id wins). Never throws.
 *
 * @param value - anything, typically `input.models`
 * @returns fresh, plain copies of the well-formed records
 */
export function parseModelRecords(value: unknown): ModelRecord[] {
  if (!Array.isArray(value)) return [];
  const records: ModelRecord[] = [];
  for (const entry of value) {
    try {
      const parsed = modelRecordSchema.safeParse(entry);
      if (parsed.success && !records.some((record) => record.modelId === parsed.data.modelId)) {
        records.push(parsed.data);
      }
    } catch {
      // a hostile entry (a throwing getter) is left out like any malformed one
    }
  }
  return records;
}
