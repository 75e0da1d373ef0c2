import { describe, expect, it } from 'vitest';
import { runActionCommand, type ActionCommandDeps } from '../../src/cli/actions.js';
import { createExecutor } from '../../src/actions/executor.js';
import { outcomeLine, renderPlan } from '../../src/actions/render.js';
import { fakeClock, fakeLookup, fakeServer, fluxTarget } from './actions-fixtures.js';

function harness(opts: { answers?: string[]; readonly?: boolean; suspended?: string[]; contexts?: string[] } = {}) {
  const server = fakeServer();
  const ex = createExecutor({ send: server.send, read: server.read, readonly: opts.readonly ?? false, clock: fakeClock(), lookup: fakeLookup() });
  let stdout = '';
  let stderr = '';
  const questions: string[] = [];
  const answers = [...(opts.answers ?? [])];
  const deps: ActionCommandDeps = {
    executor: ex,
    contexts: opts.contexts ?? ['dev'],
    find: async (context, kind, namespace, name) =>
      kind === 'ks' && name === 'apps' && context !== 'stage'
        ? { found: true, target: fluxTarget(context, 'Kustomization', name, opts.suspended?.includes(context) ? { spec: { suspend: true } } : {}, namespace ?? 'flux-system') }
        : { found: false, error: `Error from server (NotFound): kustomizations.kustomize.toolkit.fluxcd.io "${name}" not found`, unreachable: false },
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    ask: async (q) => {
      questions.push(q);
      return answers.shift() ?? '';
    },
  };
  return { server, deps, questions, out: () => stdout, err: () => stderr };
}

describe('shell action commands', () => {
  it('--dry-run prints every request and sends nothing', async () => {
    const h = harness();
    const code = await runActionCommand('suspend', { target: 'ks/apps', dryRun: true }, h.deps);
    expect(code).toBe(0);
    expect(h.out()).toContain('dev / flux-system / Kustomization apps');
    expect(h.out()).toContain('PATCH /apis/kustomize.toolkit.fluxcd.io/v1/namespaces/flux-system/kustomizations/apps');
    expect(h.out()).toContain('Content-Type: application/merge-patch+json');
    expect(h.out()).toContain('"suspend": true');
    expect(h.server.sent).toHaveLength(0);
    expect(h.questions).toHaveLength(0);
  });

  it('asks on the terminal; anything but yes sends nothing', async () => {
    const h = harness({ answers: ['n'] });
    expect(await runActionCommand('suspend', { target: 'ks/apps' }, h.deps)).toBe(1);
    expect(h.questions).toEqual(['\nProceed? [y/N] ']);
    expect(h.server.sent).toHaveLength(0);
    const ok = harness({ answers: ['y'] });
    expect(await runActionCommand('suspend', { target: 'ks/apps' }, ok.deps)).toBe(0);
    expect(ok.server.sent).toHaveLength(1);
    expect(ok.out()).toContain('✓ dev / flux-system / Kustomization apps: succeeded: suspended');
  });

  it('protected contexts need the typed count even with --yes, unless --protected-ok', async () => {
    const wrong = harness({ answers: ['apps'], contexts: ['prod-eu', 'prod-us'] });
    expect(await runActionCommand('suspend', { target: 'ks/apps', yes: true }, wrong.deps)).toBe(1);
    expect(wrong.questions).toEqual(['\nType "2" to confirm: ']);
    expect(wrong.server.sent).toHaveLength(0);

    const right = harness({ answers: ['2'], contexts: ['prod-eu', 'prod-us'] });
    expect(await runActionCommand('suspend', { target: 'ks/apps' }, right.deps)).toBe(0);
    expect(right.server.sent.map((s) => s.context).sort()).toEqual(['prod-eu', 'prod-us']);

    const ok = harness({ contexts: ['prod-eu', 'prod-us'] });
    expect(await runActionCommand('suspend', { target: 'ks/apps', yes: true, protectedOk: true }, ok.deps)).toBe(0);
    expect(ok.questions).toHaveLength(0);
    expect(ok.server.sent).toHaveLength(2);
  });

  it('exit code 1 when a context lacks the object, while the others are still acted on', async () => {
    const h = harness({ contexts: ['dev', 'stage'] });
    const code = await runActionCommand('reconcile', { target: 'ks/apps', yes: true }, h.deps);
    expect(code).toBe(1);
    expect(h.err()).toContain('✗ stage: Error from server (NotFound): kustomizations.kustomize.toolkit.fluxcd.io "apps" not found\n');
    expect(h.out()).toContain('✓ dev / flux-system / Kustomization apps: succeeded: Applied revision: main@sha1:1eabc9a4');
  });

  it('a target no server could be asked for is exit 2 (nothing could be asked); a server\'s answer (Forbidden) is 1', async () => {
    const down = harness({ contexts: ['dev', 'stage'] });
    const unreachable = { found: false as const, error: 'Unable to connect to the server: connection refused', unreachable: true };
    expect(await runActionCommand('suspend', { target: 'ks/apps', yes: true }, { ...down.deps, find: async () => unreachable })).toBe(2);
    expect(down.err()).toBe('✗ dev: Unable to connect to the server: connection refused\n✗ stage: Unable to connect to the server: connection refused\n');
    const forbidden = { found: false as const, error: 'Error from server (Forbidden): kustomizations.kustomize.toolkit.fluxcd.io "apps" is forbidden', unreachable: false };
    const mixed = harness({ contexts: ['dev', 'stage'] });
    expect(await runActionCommand('suspend', { target: 'ks/apps', yes: true }, { ...mixed.deps, find: async (c) => (c === 'dev' ? unreachable : forbidden) })).toBe(1);
    expect(mixed.err()).toContain('✗ stage: Error from server (Forbidden)');
    expect(mixed.server.sent).toHaveLength(0);
  });

  it('reconcile on a suspended object is refused, names the alternative, and fails', async () => {
    const h = harness({ suspended: ['dev'] });
    expect(await runActionCommand('reconcile', { target: 'ks/apps', yes: true }, h.deps)).toBe(1);
    expect(h.out()).toContain('offered instead: resume-and-reconcile');
    expect(h.out()).toMatch(/skipped: Kustomization apps is suspended/);
    expect(h.server.sent).toHaveLength(0);
  });

  it('read-only mode refuses from the shell too', async () => {
    const h = harness({ readonly: true });
    expect(await runActionCommand('suspend', { target: 'ks/apps', yes: true }, h.deps)).toBe(1);
    expect(h.out()).toContain('read-only mode');
    expect(h.server.sent).toHaveLength(0);
  });

  it('usage errors exit 2', async () => {
    const h = harness();
    expect(await runActionCommand('suspend', { target: 'apps' }, h.deps)).toBe(2);
    expect(await runActionCommand('frobnicate', { target: 'ks/apps' }, h.deps)).toBe(2);
  });

  it('no selected context reachable exits 2, as every command; one unreachable beside others is 1 (not done there)', async () => {
    const none = harness({ contexts: [] });
    expect(await runActionCommand('suspend', { target: 'ks/apps', yes: true }, { ...none.deps, unreachable: ['dead: connection refused'] })).toBe(2);
    expect(none.err()).toBe('✗ dead: connection refused\nfleetdeck suspend: no reachable context to act on\n');
    const some = harness();
    expect(await runActionCommand('suspend', { target: 'ks/apps', yes: true, dryRun: true }, { ...some.deps, unreachable: ['dead: connection refused'] })).toBe(1);
    expect(some.err()).toContain('✗ dead: connection refused');
    const acted = harness();
    expect(await runActionCommand('suspend', { target: 'ks/apps', yes: true }, { ...acted.deps, unreachable: ['dead: connection refused'] })).toBe(1);
    expect(acted.server.sent).toHaveLength(1);
  });

  it('the rendered plan shows the protected warning and what to type', () => {
    const h = harness();
    const plan = h.deps.executor.plan('reconcile', [fluxTarget('prod-eu', 'Kustomization', 'apps')]);
    const text = renderPlan(plan);
    expect(text).toContain('Protected context (prod-eu): type "apps" to confirm.');
    expect(text).toContain('then wait until status.lastHandledReconcileAt is 2026-03-01T10:00:00.123Z');
  });

  it('a name holding a newline and escapes stays on its line in the plan and the outcome; its typed form can be typed', () => {
    const h = harness();
    const name = 'hx-\u001b]2;T\u001b\\\n';
    const plan = h.deps.executor.plan('reconcile', [fluxTarget('prod-eu', 'Kustomization', name)]);
    const lines = renderPlan(plan).split('\n');
    // found by the hostile e2e: `✓ dev / checkout / Deployment hx-\e]2;T\e\` then `: succeeded` on the next line
    expect(lines).toContain('  prod-eu / flux-system / Kustomization hx-\\e]2;T\\e\\ ');
    expect(plan.confirmText).toBe('hx-\\e]2;T\\e\\');
    const line = outcomeLine({ target: plan.targets[0].target, status: 'failed', message: 'denied:\nby \u001b[41mwebhook', requests: [] } as never);
    expect(line).toBe('✗ prod-eu / flux-system / Kustomization hx-\\e]2;T\\e\\ : failed: denied: by \\e[41mwebhook');
  });

  it('a request body holding cluster text (a rollback\'s template) shows its C1 and bidi controls as JSON escapes', () => {
    const h = harness();
    const plan = h.deps.executor.plan('reconcile', [fluxTarget('dev', 'Kustomization', 'apps')]);
    const req = plan.targets[0].requests[0];
    const text = renderPlan({ ...plan, targets: [{ ...plan.targets[0], requests: [{ ...req, body: { metadata: { annotations: { note: 'a\u009b2J b\u202ec \u001b[41m' } } } }] }] });
    expect(text).toContain('"note": "a\\u009b2J b\\u202ec \\u001b[41m"');
    expect(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e]/.test(text)).toBe(false);
  });
});
