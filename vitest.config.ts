import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // the UI draws ✓ ─ … only in a UTF-8 locale (ASCII otherwise, see src/ui/terminal.ts): the
    // screens asserted assume one, whatever the runner's locale
    env: { LANG: 'C.UTF-8', LC_ALL: '', LC_CTYPE: '' },
  },
});
