import type { ChatflowTexts } from './types.ts';

const megabytes = (bytes: number) => `${Math.floor(bytes / 2 ** 20)} MB`;

/**
 * The middleware's own texts in English. Override any of them with the `texts` option.
 *
 * @example
 * ```ts
 * createChatflowMiddleware({ runtime, workflows, texts: { welcome: 'Hallo!' } });
 * ```
 */
export const defaultTexts: ChatflowTexts = {
  welcome: 'Hello! I can walk you through these jobs. Choose one to start:',
  help: (commands) =>
    [
      'Send me a data file (CSV or Excel) and pick what to do with it.',
      'Answer each step with the buttons or by typing; say "back" to go back one step.',
      '',
      ...commands.map(({ command, description }) => `/${command} ${description}`),
    ].join('\n'),
  menu: 'What would you like to do?',
  recovered: 'Welcome back: your session was restored where you left off.',
  reset: {
    expired: 'Your previous session expired, so this is a fresh start.',
    workflow_changed: 'This job was updated since your last visit, so it starts over.',
    unreadable: 'Your saved session could not be read, so this is a fresh start.',
  },
  notUnderstood: 'Sorry, I did not get that.',
  staleButton: 'That button belongs to an earlier step.',
  expiredButton: 'That button has expired: please answer by typing, or send /status.',
  nothingPicked: 'Pick at least one option first.',
  noWorkflow: 'Nothing is running right now.',
  replaced: (label) => `Stopped "${label}" to start this.`,
  cancelled: (label) => `Cancelled "${label}".`,
  nothingToCancel: 'There is nothing to cancel.',
  forgotten: (result) =>
    result.sessions === 0 && result.dataBlobs === 0
      ? 'I hold nothing about you.'
      : `Done: I deleted ${result.sessions} session(s) and ${result.dataBlobs} data file(s) of yours.`,
  status: (session, label) => {
    const lines: string[] = [];
    if (session.workflow === null || label === undefined) lines.push('Nothing is running.');
    else if (session.workflow.done) {
      lines.push(`Last job: ${label} (${session.workflow.state.replaceAll('_', ' ')}).`);
    } else {
      lines.push(`Running: ${label}, step "${session.workflow.state.replaceAll('_', ' ')}".`);
      lines.push(session.workflow.prompt);
    }
    if (session.dataset !== null) {
      const { name, rowCount, columns } = session.dataset;
      lines.push(`Data: ${name} (${rowCount} rows, ${columns.length} columns).`);
    }
    if (session.models.length > 0) lines.push(`Trained models: ${session.models.length}.`);
    return lines.join('\n');
  },
  filesNotAccepted: 'Sorry, this bot does not take files.',
  fileNotExpected: 'I cannot take a file at this step.',
  fileTooLarge: (maxBytes) =>
    `That file is too large: I can take files up to ${megabytes(maxBytes)}.`,
  fileUnreadable: (name, reason) => `I could not read ${name}: ${reason}`,
  dataReceived: (dataset) =>
    `Got ${dataset.name}: ${dataset.rowCount} rows, ${dataset.columns.length} columns. What would you like to do with it?`,
  usingData: (dataset) => `Using ${dataset.name} (${dataset.rowCount} rows).`,
  interrupted: 'That step was not taken: the job was cancelled or replaced first.',
  failure: 'Sorry, something went wrong on my side. Please try again in a moment.',
  backLabel: '⬅ Back',
  cancelLabel: '✖ Cancel',
  doneLabel: 'Done',
};
