import { describe, expect, it } from 'vitest';
import { loadKeymap } from '../../src/config/keymap.js';
import { loadTheme } from '../../src/config/theme.js';
import { ViewStack, type ShellState } from '../../src/ui/app-state.js';
import { badgeOf } from '../../src/ui/badges.js';
import { footerLines, headerLines, type ChromeDeps } from '../../src/ui/chrome.js';
import { editLine } from '../../src/ui/style.js';
import type { AppContext, View } from '../../src/ui/view.js';
import type { Plan } from '../../src/actions/types.js';
import { ConfirmView, InputView } from '../../src/ui/views/confirm.js';
import { HelpView } from '../../src/ui/views/help.js';
import { TraceView } from '../../src/ui/views/triage.js';
import { ResourceTableView } from '../../src/ui/views/resource-table.js';
import { FakeStore } from '../helpers/fake-store.js';
import type { ContextStatus, ReflectorStatus } from '../../src/fleet/types.js';

const ctx = (over: Partial<ContextStatus> = {}): ContextStatus => ({ name: 'staging', state: 'ready', ...over });
const refl = (resource: string, phase: ReflectorStatus['phase']): ReflectorStatus => ({ context: 'staging', resource, phase, objects: 0 });

describe('context badges', () => {
  it('ready when every cache synced', () => {
    expect(badgeOf(ctx(), [refl('pods', 'synced')])).toBe('ready');
  });

  it('limited, not forbidden, when the user sees some kinds or namespaces but not others', () => {
    expect(badgeOf(ctx({ forbidden: ['pods in kube-system'] }), [refl('pods', 'synced')])).toBe('limited');
    expect(badgeOf(ctx(), [refl('pods', 'synced'), refl('secrets', 'forbidden')])).toBe('limited');
  });

  it('forbidden when nothing watched is visible', () => {
    expect(badgeOf(ctx({ forbidden: ['pods'] }), [refl('pods', 'forbidden')])).toBe('forbidden');
    expect(badgeOf(ctx({ state: 'auth-error' }), [])).toBe('forbidden');
  });

  it('trouble outranks limits; unknown contexts are unreachable', () => {
    expect(badgeOf(ctx(), [refl('pods', 'retrying'), refl('secrets', 'forbidden')])).toBe('degraded');
    expect(badgeOf(ctx({ state: 'unreachable' }), [])).toBe('unreachable');
    expect(badgeOf(undefined, [])).toBe('unreachable');
    expect(badgeOf(ctx(), [refl('pods', 'syncing')])).toBe('syncing');
  });

  it('syncing, not ready, when the context is discovered but nothing of it is watched yet (the views hold their kinds at the next batch)', () => {
    expect(badgeOf(ctx(), [])).toBe('syncing');
    expect(badgeOf(ctx(), [{ ...refl('pods', 'synced'), context: 'dev' }])).toBe('syncing');
  });
});

describe('the header with more contexts than fit', () => {
  it('shows the badges that fit and how many it leaves out, and reads only those contexts', () => {
    const names = Array.from({ length: 50 }, (_, i) => `cluster-${String(i).padStart(2, '0')}`);
    const store = new FakeStore(names);
    const read: string[] = [];
    const reflectors = store.reflectors.bind(store);
    store.reflectors = (context?: string) => {
      if (context) read.push(context);
      return reflectors();
    };
    const state: ShellState = { selected: names, namespace: undefined, history: [], closed: false };
    const deps: ChromeDeps = {
      store, state, stack: new ViewStack(), readonly: false, objectCommands: () => [],
      theme: loadTheme(undefined, { configDir: null }), keymap: loadKeymap(undefined, { configDir: null }),
    };
    const line1 = headerLines(deps, 80)[0].replace(/\{[^}]*\}/g, '');
    const shown = names.filter((n) => line1.includes(n));
    expect(shown.length).toBeGreaterThan(0);
    expect(shown).toEqual(names.slice(0, shown.length));
    expect(line1).toContain(`… +${names.length - shown.length}`);
    // a badge is computed for what is shown, and at most for the one that did not fit
    expect(read.length).toBeLessThanOrEqual(shown.length + 1);
    expect(read).toEqual(names.slice(0, read.length));
    // all of them when they fit
    read.length = 0;
    expect(headerLines(deps, 2000)[0]).not.toContain('…');
    expect(read).toEqual(names);
  });
});

describe('the footer', () => {
  it("in a sub-view whose own keys include back, says back once (q is back there too)", () => {
    const store = new FakeStore(['dev']);
    const stack = new ViewStack();
    const view = { title: () => 'describe', actions: ['back', 'top'], render: () => [] } as unknown as View;
    stack.push(view);
    stack.push(view);
    const deps: ChromeDeps = {
      store, state: { selected: ['dev'], namespace: undefined, history: [], closed: false }, stack, readonly: false, objectCommands: () => [],
      theme: loadTheme(undefined, { configDir: null }), keymap: loadKeymap(undefined, { configDir: null }),
    };
    const hints = footerLines(deps, 200)[0].replace(/\{[^}]*\}/g, '');
    expect(hints.match(/ back /g)).toHaveLength(1);
    expect(hints).toContain('<q> back');
    expect(hints).not.toContain('<esc> back');
  });
});

describe('the footer offers back only where it works', () => {
  const deps = (stack: ViewStack): ChromeDeps => ({
    store: new FakeStore(['dev']), state: { selected: ['dev'], namespace: undefined, history: [], closed: false }, stack, readonly: false, objectCommands: () => [],
    theme: loadTheme(undefined, { configDir: null }), keymap: loadKeymap(undefined, { configDir: null }),
  });
  const hints = (stack: ViewStack): string => footerLines(deps(stack), 200)[0].replace(/\{[^}]*\}/g, '');

  it('a top view (:outcomes, 3 Changes) does not offer <esc> back, which would only say "this is the top view"; with a filter to clear it does', () => {
    let text = '';
    const view = { title: () => 'outcomes', actions: ['wrap', 'back', 'top'], filter: { get: () => text, set: (t: string) => (text = t) }, render: () => [] } as unknown as View;
    const stack = new ViewStack();
    stack.push(view);
    expect(stack.backStep()).toBeUndefined();
    expect(hints(stack)).not.toContain('back');
    expect(hints(stack)).toContain('<q> quit');
    text = 'web';
    expect(stack.backStep()).toBe('filter');
    expect(hints(stack)).toContain('<esc> back');
  });
});

describe('one-line inputs', () => {
  it('edit as a shell line does: backspace a character (a whole emoji), ctrl-w a word, ctrl-u the line; other keys are not edits', () => {
    expect(editLine('apps 日本😀', 'backspace', undefined)).toBe('apps 日本');
    expect(editLine('scale web  ', 'ctrl-w', undefined)).toBe('scale ');
    expect(editLine('scale web', 'ctrl-u', undefined)).toBe('');
    expect(editLine('ap', 'p', 'p')).toBe('app');
    expect(editLine('ap', 'enter', '\r')).toBeUndefined();
    expect(editLine('ap', 'up', undefined)).toBeUndefined();
  });
});

describe('the header names the scope of what is shown', () => {
  // it said `ns:all` (the app's scope) over a dialog about one object, over :trace of an
  // object in a named namespace, and over help, which reads no namespace
  const deps = (stack: ViewStack, namespace?: string): ChromeDeps => ({
    store: new FakeStore(['dev', 'prod-eu']), state: { selected: ['dev', 'prod-eu'], namespace, history: [], closed: false }, stack, readonly: false, objectCommands: () => [],
    theme: loadTheme(undefined, { configDir: null }), keymap: loadKeymap(undefined, { configDir: null }),
  });
  const line2 = (d: ChromeDeps): string => headerLines(d, 200)[1].replace(/\{[^}]*\}/g, '').trimEnd();
  const target = (context: string, namespace: string | undefined, name: string) => ({ target: { context, resource: 'deployments.apps', kind: 'Deployment', namespace, name, object: { metadata: { name, namespace } } }, requests: [], notes: [] });

  it('a confirm dialog: its targets\' contexts and their namespace; the object view under a prompt: its own', () => {
    const stack = new ViewStack();
    const app = { theme: loadTheme(undefined, { configDir: null }), keymap: loadKeymap(undefined, { configDir: null }), render: () => undefined, message: () => undefined, contexts: () => ['dev', 'prod-eu'], namespace: () => undefined } as unknown as AppContext;
    const yaml = { title: () => 'yaml deployment/web', render: () => [], scope: () => ({ contexts: ['prod-eu'], namespace: 'checkout' }) } as unknown as View;
    stack.push(yaml);
    const plan: Plan = { action: 'restart', label: 'Restart', mutating: true, protected: false, targets: [target('prod-eu', 'checkout', 'web')] as Plan['targets'] };
    stack.push(new ConfirmView(app, plan, { confirm: () => undefined, cancel: () => undefined } as unknown as ConstructorParameters<typeof ConfirmView>[2]));
    expect(line2(deps(stack))).toMatch(/^ confirm restart .*ctx:prod-eu {2}ns:checkout$/);
    stack.pop();
    // a prompt (scale's replica count) over the object's view names the object's scope
    stack.push(new InputView(app, 'replicas?', /^\d*$/, () => undefined));
    expect(line2(deps(stack))).toMatch(/ctx:prod-eu {2}ns:checkout$/);
    stack.pop();
    // targets in several namespaces (a bulk action): none named, the plan lists each
    const bulk: Plan = { ...plan, targets: [target('dev', 'a', 'x'), target('prod-eu', 'b', 'y')] as Plan['targets'] };
    stack.push(new ConfirmView(app, bulk, { confirm: () => undefined, cancel: () => undefined } as unknown as ConstructorParameters<typeof ConfirmView>[2]));
    expect(line2(deps(stack, 'shop'))).toMatch(/ctx:dev,prod-eu$/);
  });

  it('help names no namespace; :trace names its own, not the app\'s', () => {
    const stack = new ViewStack();
    const app = { theme: loadTheme(undefined, { configDir: null }), keymap: loadKeymap(undefined, { configDir: null }), store: new FakeStore(['dev']), render: () => undefined, message: () => undefined, contexts: () => ['dev'], namespace: () => 'shop' } as unknown as AppContext;
    stack.push(new HelpView(app));
    expect(line2(deps(stack, 'shop'))).not.toMatch(/ns:/);
    stack.pop();
    const trace = new TraceView(app, { query: 'deployments', name: 'web', namespace: 'checkout' });
    stack.push(trace);
    expect(line2(deps(stack, 'shop'))).toMatch(/ns:checkout$/);
    trace.close();
    stack.pop();
    const anywhere = new TraceView(app, { query: 'deployments', name: 'web' });
    stack.push(anywhere);
    expect(line2(deps(stack, 'shop'))).toMatch(/ns:all$/);
    anywhere.close();
  });
});

describe('the header over a cluster-scoped table', () => {
  it('names no namespace (nodes have none), whatever the app\'s :ns; a namespaced table names it', () => {
    const store = new FakeStore(['dev']);
    const app = { store, theme: loadTheme(undefined, { configDir: null }), keymap: loadKeymap(undefined, { configDir: null }), contexts: () => ['dev'], namespace: () => 'shop', now: () => 0, message: () => undefined, render: () => undefined } as unknown as AppContext;
    const stack = new ViewStack();
    const nodes = new ResourceTableView(app, { query: 'nodes' });
    stack.push(nodes);
    const deps: ChromeDeps = { store, state: { selected: ['dev'], namespace: 'shop', history: [], closed: false }, stack, readonly: false, objectCommands: () => [], theme: app.theme, keymap: app.keymap };
    expect(headerLines(deps, 200)[1]).not.toMatch(/ns:/);
    nodes.close();
    stack.pop();
    const pods = new ResourceTableView(app, { query: 'pods' });
    stack.push(pods);
    expect(headerLines(deps, 200)[1]).toMatch(/ns:shop/);
    pods.close();
  });
});
