import type { WorkflowView } from '@chatflow/runtime';
import type { StepSource } from './types.ts';

/** Telegram refuses messages longer than 4096 characters. */
export const maxMessageLength = 4000;

/** Cuts a text to `max` characters, marking the cut. */
export function clipText(text: string, max = maxMessageLength): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function field(value: unknown, name: string): unknown {
  return typeof value === 'object' && value !== null && Object.hasOwn(value, name)
    ? (value as Record<string, unknown>)[name]
    : undefined;
}

const score = (value: number) => (Number.isInteger(value) ? String(value) : value.toPrecision(4));

function describeModel(model: unknown): string | undefined {
  const modelId = field(model, 'modelId');
  if (typeof modelId !== 'string') return undefined;
  const features = field(model, 'features');
  const metrics = field(model, 'metrics');
  const lines = [
    `Model ${modelId} (${String(field(model, 'modelType'))}) predicts ${String(field(model, 'target'))}` +
      (Array.isArray(features) ? ` from ${features.join(', ')}.` : '.'),
  ];
  if (typeof metrics === 'object' && metrics !== null) {
    const scores = Object.entries(metrics)
      .filter((entry): entry is [string, number] => typeof entry[1] === 'number')
      .map(([name, value]) => `${name} ${score(value)}`);
    if (scores.length > 0) lines.push(`Scores: ${scores.join(', ')}.`);
  }
  return lines.join('\n');
}

/**
 * The message of a workflow step: the error of the last failed work (if any), the
 * results when the step was reached without a message or the workflow is complete
 * (a trained model with its scores, or the `result` in the workflow's context), then the
 * step's prompt. Plain text, at most 4000 characters.
 *
 * @example
 * ```ts
 * await ctx.reply(describeStep(session.workflow, 'status'));
 * ```
 */
export function describeStep(workflow: WorkflowView, source: StepSource): string {
  const { context } = workflow;
  const parts: string[] = [];
  const error = field(context, 'error');
  if (typeof error === 'string' && error !== '' && !workflow.done) parts.push(`⚠ ${error}`);
  const showResults = source === 'internal' || (workflow.done && workflow.state !== 'cancelled');
  if (showResults) {
    const model = describeModel(field(context, 'model'));
    if (model !== undefined) parts.push(model);
    const result = field(context, 'result');
    if (result !== undefined && result !== null) {
      parts.push(clipText(JSON.stringify(result, null, 2), 3000));
    }
  }
  parts.push(workflow.prompt);
  return clipText(parts.join('\n\n'));
}
