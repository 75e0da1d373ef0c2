// A fleet store over a backend's admin and restricted contexts, for the suites that run on
// every backend: set up before the suite, closed (with the backend) after it.
import { afterAll, beforeAll } from 'vitest';
import { createFleetStore, type Fleet } from '../../../src/fleet/store.js';
import type { Backend, BackendEnv } from '../backends.js';

export function fleetOnBackend(backend: Backend, ready: (env: BackendEnv, store: Fleet) => void): void {
  let store: Fleet | undefined;
  beforeAll(async () => {
    const env = await backend.setup();
    store = createFleetStore({ kubeconfig: env.kubeconfigPath, contexts: [env.adminContext, env.restrictedContext], frameMs: 20, graceMs: 200 });
    await store.settled();
    ready(env, store);
  }, 120_000);
  afterAll(async () => {
    await store?.close();
    await backend.teardown();
  });
}
