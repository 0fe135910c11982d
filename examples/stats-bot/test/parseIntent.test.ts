import { describe, expect, it } from 'vitest';
import { parseIntent } from '../src/parseIntent.ts';

describe('parseIntent', () => {
  it('should read slash commands with their argument', () => {
    expect(parseIntent('/upload data/houses.csv')).toEqual({
      kind: 'command',
      command: 'upload',
      argument: 'data/houses.csv',
    });
    expect(parseIntent('/TRAIN')).toEqual({ kind: 'command', command: 'train', argument: '' });
    expect(parseIntent('/stats@stats_bot')).toEqual({
      kind: 'command',
      command: 'stats',
      argument: '',
    });
  });

  it('should report a slash command it does not know', () => {
    expect(parseIntent('/dance now')).toEqual({ kind: 'unknown_command', command: '/dance' });
  });

  it('should read plain command words', () => {
    expect(parseIntent('Cancel')).toMatchObject({ kind: 'command', command: 'cancel' });
    expect(parseIntent('go back')).toMatchObject({ kind: 'command', command: 'back' });
    expect(parseIntent('help!')).toMatchObject({ kind: 'command', command: 'help' });
  });

  it('should resolve "what about correlation?" to the correlation analysis', () => {
    expect(parseIntent('what about correlation?')).toEqual({
      kind: 'workflow',
      workflow: 'stats_analysis',
      analysis: 'correlation',
      refersToData: false,
    });
  });

  it('should notice references back to the loaded data', () => {
    expect(parseIntent('analyze it')).toEqual({
      kind: 'workflow',
      workflow: 'stats_analysis',
      refersToData: true,
    });
    expect(parseIntent('explore it')).toEqual({
      kind: 'workflow',
      workflow: 'data_exploration',
      refersToData: true,
    });
    expect(parseIntent('train a model on it')).toEqual({
      kind: 'workflow',
      workflow: 'ml_training',
      refersToData: true,
    });
  });

  it('should tell prediction from training', () => {
    expect(parseIntent('predict with my model')).toMatchObject({ workflow: 'ml_prediction' });
    expect(parseIntent('fit a random forest')).toMatchObject({ workflow: 'ml_training' });
  });

  it('should name the analysis or the exploration command asked for', () => {
    expect(parseIntent('run a t-test')).toMatchObject({ analysis: 't_test' });
    expect(parseIntent('simple regression please')).toMatchObject({
      analysis: 'linear_regression',
    });
    expect(parseIntent('describe this data')).toMatchObject({
      analysis: 'descriptive',
      refersToData: true,
    });
    expect(parseIntent('show me a histogram of price')).toMatchObject({
      workflow: 'data_exploration',
      explore: 'histogram',
    });
    expect(parseIntent('any missing values?')).toMatchObject({ explore: 'missing' });
    expect(parseIntent('show the first rows')).toMatchObject({ explore: 'head' });
    expect(parseIntent('value counts of city')).toMatchObject({ explore: 'value_counts' });
  });

  it('should leave anything else as text for the current step', () => {
    expect(parseIntent('price')).toEqual({ kind: 'text', text: 'price' });
    expect(parseIntent(' 1,3 ')).toEqual({ kind: 'text', text: '1,3' });
  });
});
