import { defineConfig } from 'vitest/config';

// *.cluster.test.ts need the real control plane (and what tools/controlplane builds): only
// when FLEETDECK_BACKENDS selects it (npm run test:cluster)
const cluster = (process.env.FLEETDECK_BACKENDS ?? '').split(',').map((s) => s.trim()).includes('cluster');

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['**/node_modules/**', ...(cluster ? [] : ['test/**/*.cluster.test.ts'])],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // the UI draws ✓ ─ … only in a UTF-8 locale (ASCII otherwise, see src/ui/terminal.ts): the
    // screens asserted assume one, whatever the runner's locale
    env: { LANG: 'C.UTF-8', LC_ALL: '', LC_CTYPE: '' },
  },
});
