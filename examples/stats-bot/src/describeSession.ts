import { workflows } from '@chatflow/machines';
import type { SessionView } from '@chatflow/runtime';
import { describeDataset, describeModel, menuChoices } from './describeStep.ts';
import type { Reply } from './types.ts';

/**
 * What `/status` says: the workflow and step the chat is at (followed by the step's own
 * description, so its choices can be answered), the loaded data set and the trained
 * models.
 *
 * @param session - the session view
 * @param step - the description of the current step, empty without an active workflow
 * @example
 * ```ts
 * const replies = describeSession(session, await describeStep(session.workflow, surroundings));
 * ```
 */
export function describeSession(session: SessionView, step: readonly Reply[]): Reply[] {
  const lines: string[] = [];
  const workflow = session.workflow;
  const label = workflow
    ? (workflows[workflow.type as keyof typeof workflows]?.label ?? workflow.type)
    : undefined;
  if (workflow && !workflow.done) lines.push(`Workflow: ${label}, step ${workflow.state}.`);
  else if (workflow)
    lines.push(`No workflow running (the last one, "${label}", ended: ${workflow.state}).`);
  else lines.push('No workflow running.');
  lines.push(session.dataset ? `Data: ${describeDataset(session.dataset)}.` : 'Data: none loaded.');
  if (session.models.length === 0) lines.push('Models: none trained yet.');
  else lines.push('Models:', ...session.models.map((model) => `  ${describeModel(model)}`));
  const summary: Reply = { text: lines.join('\n') };
  if (!workflow || workflow.done) summary.choices = menuChoices;
  return [summary, ...step];
}
