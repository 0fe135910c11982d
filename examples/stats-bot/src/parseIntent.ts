import type { WorkflowType } from '@chatflow/machines';

/** The bot's slash commands. */
export const commandNames = [
  'start',
  'train',
  'predict',
  'stats',
  'explore',
  'upload',
  'cancel',
  'back',
  'status',
  'history',
  'forget',
  'help',
  'quit',
] as const;

/** A slash command name. */
export type CommandName = (typeof commandNames)[number];

/** The statistical analyses of the stats workflow. */
export type AnalysisName = 'descriptive' | 'correlation' | 't_test' | 'linear_regression';

/** The commands of the data exploration workflow. */
export type ExploreCommand =
  | 'schema'
  | 'head'
  | 'summary'
  | 'missing'
  | 'value_counts'
  | 'histogram';

/** What a user's message asks for, before it is matched against the session. */
export type Intent =
  | { kind: 'command'; command: CommandName; argument: string }
  | { kind: 'unknown_command'; command: string }
  | {
      kind: 'workflow';
      workflow: WorkflowType;
      /** For stats analysis: the analysis named in the message. */
      analysis?: AnalysisName;
      /** For data exploration: the command named in the message. */
      explore?: ExploreCommand;
      /** The message points back at data already loaded ("it", "this data", "the same"). */
      refersToData: boolean;
    }
  | { kind: 'text'; text: string };

const commandFromWord: Record<string, CommandName> = {
  cancel: 'cancel',
  stop: 'cancel',
  abort: 'cancel',
  'never mind': 'cancel',
  nevermind: 'cancel',
  back: 'back',
  'go back': 'back',
  previous: 'back',
  undo: 'back',
  help: 'help',
  '?': 'help',
  'what can you do': 'help',
  status: 'status',
  'where am i': 'status',
  history: 'history',
  menu: 'start',
  start: 'start',
  quit: 'quit',
  exit: 'quit',
  bye: 'quit',
};

const analysisCues: [RegExp, AnalysisName][] = [
  [/\bcorrelat/, 'correlation'],
  [/\bt[-\s]?test\b|\bcompare (the )?means\b|\bstudent/, 't_test'],
  [/\b(simple |linear )?regress/, 'linear_regression'],
  [/\bdescri(be|ptive)|\bmean\b|\baverage|\bmedian|\bstandard deviation|\bstd\b/, 'descriptive'],
];

const exploreCues: [RegExp, ExploreCommand][] = [
  [/\bhistogram|\bdistribution|\bplot|\bchart/, 'histogram'],
  [/\bvalue[_\s]?counts?|\bfrequenc|\bcount (the )?values|\bcategories/, 'value_counts'],
  [/\bmissing|\bnulls?\b|\bempty (cells|values)|\bnan\b/, 'missing'],
  [/\bschema|\bcolumns?\b|\btypes\b|\bfields\b/, 'schema'],
  [/\bhead\b|\bfirst (few |\d+ )?rows|\bpreview|\bsample rows|\bshow (me )?(the )?rows/, 'head'],
  [/\bsummary|\bsummari[sz]e|\boverview/, 'summary'],
];

const refersToDataCue =
  /\b(it|this|that|these|those|them|same|the data|this data|the dataset|the file|my data)\b/;

/**
 * Reads what a message asks for: a slash command (`/train`), a plain command word
 * (`cancel`, `back`, `help`), a workflow named in words ("train a model on it",
 * "what about correlation?", "show me a histogram"), or free text to be matched
 * against the current step (a column name, a number).
 *
 * @example
 * ```ts
 * parseIntent('what about correlation?');
 * // { kind: 'workflow', workflow: 'stats_analysis', analysis: 'correlation', refersToData: false }
 * ```
 */
export function parseIntent(text: string): Intent {
  const trimmed = text.trim();
  if (trimmed.startsWith('/')) {
    const match = /^\/([A-Za-z_]+)(?:@\w+)?(?:\s+([\s\S]*))?$/.exec(trimmed);
    const name = (match?.[1] ?? '').toLowerCase();
    const argument = (match?.[2] ?? '').trim();
    if ((commandNames as readonly string[]).includes(name)) {
      return { kind: 'command', command: name as CommandName, argument };
    }
    return { kind: 'unknown_command', command: trimmed.split(/\s/)[0] ?? trimmed };
  }
  const lower = trimmed.toLowerCase().replace(/[.!?]+$/, '');
  const word = commandFromWord[lower];
  if (word) return { kind: 'command', command: word, argument: '' };

  const refersToData = refersToDataCue.test(lower);
  if (/\bpredict|\bforecast|\bscore (the |new |my )?data|\bapply (the |my )?model/.test(lower)) {
    return { kind: 'workflow', workflow: 'ml_prediction', refersToData };
  }
  if (/\btrain|\bfit\b|\bbuild (a |the )?model|\bnew model|\bmachine learning|\bml\b/.test(lower)) {
    return { kind: 'workflow', workflow: 'ml_training', refersToData };
  }
  const analysis = analysisCues.find(([cue]) => cue.test(lower))?.[1];
  if (analysis) {
    return { kind: 'workflow', workflow: 'stats_analysis', analysis, refersToData };
  }
  if (/\banaly[sz]|\bstatistic|\bstats\b|\btest\b/.test(lower)) {
    return { kind: 'workflow', workflow: 'stats_analysis', refersToData };
  }
  const explore = exploreCues.find(([cue]) => cue.test(lower))?.[1];
  if (explore) return { kind: 'workflow', workflow: 'data_exploration', explore, refersToData };
  if (/\bexplor|\blook (at|into)|\binspect|\bdig into/.test(lower)) {
    return { kind: 'workflow', workflow: 'data_exploration', refersToData };
  }
  return { kind: 'text', text: trimmed };
}
