import { describe, expect, it } from 'vitest';
import { parseScript } from '../src/parseScript.ts';

describe('parseScript', () => {
  it('should keep one message per line, skipping comments and blank lines', () => {
    const script = '# a demo\n/start\n\n   \n  1  \n  # indented comment\r\nrooms, area\n';
    expect(parseScript(script)).toEqual(['/start', '1', 'rooms, area']);
  });

  it('should keep a # that is not at the start of the line', () => {
    expect(parseScript('use column #2')).toEqual(['use column #2']);
  });

  it('should read an empty script as no messages', () => {
    expect(parseScript('')).toEqual([]);
  });
});
