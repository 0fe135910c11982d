import { readFile } from 'node:fs/promises';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { diagramPages, regenerateCommand } from '../scripts/writeDiagrams.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));

describe('committed diagrams', () => {
  it.each(diagramPages().map((page) => [relative(root, page.path), page.content]))(
    'should match what toMermaid renders now: %s',
    async (path, expected) => {
      const committed = await readFile(`${root}${path}`, 'utf8').catch(() => undefined);
      const hint = `${path} is stale or missing: regenerate it from the repository root with \`${regenerateCommand}\` and commit it`;
      expect(committed, hint).toBe(expected);
    },
  );
});
