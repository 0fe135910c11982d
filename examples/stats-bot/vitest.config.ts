import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'stats-bot',
    include: ['test/**/*.test.ts'],
  },
});
