// Under --readonly the footer offered restart, scale, rollback, delete, suspend, reconcile, edit,
// shell and port-forward, which the executor then refused: the footer, the `:` completions and
// help now read one fact, the command table's `mutates` (isMutation), and the executor stays
// the one that refuses.
import { describe, expect, it } from 'vitest';
import { catalogEntry } from '../../src/actions/catalog.js';
import { COMMANDS, isMutation, OBJECT_COMMANDS, type CommandId, type ObjectRun } from '../../src/commands/table.js';
import { loadKeymap } from '../../src/config/keymap.js';
import { loadTheme } from '../../src/config/theme.js';
import { ViewStack } from '../../src/ui/app-state.js';
import { footerLines, type ChromeDeps } from '../../src/ui/chrome.js';
import { completions } from '../../src/ui/palette.js';
import type { View } from '../../src/ui/view.js';
import { helpEntries, READONLY_OFF, verbEntries } from '../../src/ui/views/help.js';
import { demoStore, FakeStore } from '../helpers/fake-store.js';
import '../../src/ui/app.js';

/** The catalog entry each run goes through (src/ui/triage.ts plans them); copy sends nothing. */
const RUN_ENTRY: Record<ObjectRun, string | undefined> = { shell: 'exec', 'port-forward': 'port-forward', edit: 'edit', 'remove-finalizers': 'remove-finalizers', copy: undefined };

describe('the command table says which commands read-only refuses', () => {
  it('exactly the object commands whose catalog entries the executor refuses under read-only (mutating)', () => {
    for (const c of OBJECT_COMMANDS) {
      const e = c.effect;
      const entries = 'action' in e ? [e.action, ...(e.whenSuspended ? [e.whenSuspended] : [])] : 'run' in e ? [RUN_ENTRY[e.run]].filter((x) => x !== undefined) : [];
      const refused = entries.map((id) => catalogEntry(id)!.mutating);
      expect(refused.every((m) => m === isMutation(c.id)), c.id).toBe(true);
      expect(isMutation(c.id), c.id).toBe(refused.length > 0 && refused[0]);
    }
    for (const c of COMMANDS.filter((x) => x.by !== 'object')) expect(isMutation(c.id), c.id).toBe(false);
    expect(OBJECT_COMMANDS.filter((c) => isMutation(c.id)).map((c) => c.id).sort()).toEqual([
      'edit', 'finalizers.remove', 'flux.force', 'flux.reconcile', 'flux.reset', 'flux.suspend',
      'pod.port-forward', 'pod.shell', 'workload.delete', 'workload.restart', 'workload.rollback', 'workload.scale',
    ]);
  });
});

describe('read-only: the footer offers only keys that work', () => {
  /** a table whose selection takes every kind of command: a Flux object's, a workload's, a pod's, any object's */
  const offered: CommandId[] = ['flux.reconcile', 'flux.suspend', 'workload.restart', 'workload.scale', 'workload.rollback', 'pod.shell', 'pod.port-forward', 'yaml', 'describe', 'logs', 'edit', 'copy', 'workload.delete', 'finalizers.remove'];
  const hints = (readonly: boolean): string => {
    const stack = new ViewStack();
    stack.push({ title: () => 'kustomizations', actions: ['sort-name', 'mark'], render: () => [] } as unknown as View);
    const deps: ChromeDeps = {
      store: new FakeStore(['dev']), state: { selected: ['dev'], namespace: undefined, history: [], closed: false }, stack, readonly, objectCommands: () => offered,
      theme: loadTheme(undefined, { configDir: null }), keymap: loadKeymap(undefined, { configDir: null }),
    };
    return footerLines(deps, 1000)[0].replace(/\{[^}]*\}/g, '');
  };

  it('leaves out every command the executor would refuse, and keeps the rest', () => {
    const all = hints(false);
    for (const h of ['<shift-r> reconcile', '<shift-t> suspend/resume', '<r> restart', '<s> scale', '<shift-b> rollback', '<shift-f> port-forward', '<shift-e> edit', '<ctrl-d> delete', '<ctrl-k> remove finalizers']) {
      expect(all).toContain(h);
    }
    const ro = hints(true);
    for (const title of ['reconcile', 'suspend/resume', 'restart', 'scale', 'rollback', 'shell', 'port-forward', 'edit', 'delete', 'remove finalizers']) {
      expect(ro).not.toMatch(new RegExp(`> ${title.replace('/', '\\/')} `));
    }
    for (const h of ['<:> command', '<?> help', '<y> yaml', '<d> describe', '<l> logs', '<c> copy', '<shift-n> sort name', '<space> mark']) expect(ro).toContain(h);
  });
});

describe('read-only: the : line and help', () => {
  it('the : line does not complete the words of refused commands; views and kinds still complete', () => {
    const store = demoStore();
    const ctx = store.contexts().map((c) => c.name);
    expect(completions('roll', store, ctx)[0]).toBe('rollback');
    expect(completions('roll', store, ctx, { readonly: true })).not.toContain('rollback');
    for (const w of ['reconcile', 'suspend', 'resume', 'restart', 'scale', 'delete', 'edit', 'shell', 'port-forward', 'force', 'reset', 'remove-finalizers']) {
      expect(completions(w.slice(0, 4), store, ctx, { readonly: true }), w).not.toContain(w);
    }
    expect(completions('pod', store, ctx, { readonly: true })).toContain('pods');
    expect(completions('flu', store, ctx, { readonly: true })).toContain('flux');
  });

  it('help keeps every key, the refused ones marked off', () => {
    const km = loadKeymap(undefined, { configDir: null });
    const entries = [...helpEntries(km, true).values()].flat();
    const label = (keys: string) => entries.find(([k]) => k === keys)?.[1];
    expect(label('shift-r')).toBe(`reconcile ${READONLY_OFF}`);
    expect(label('r')).toBe(`restart ${READONLY_OFF}`);
    expect(label('y')).toBe('yaml');
    expect(label('l')).toBe('logs');
    expect(entries.filter(([, , off]) => off).length).toBe(OBJECT_COMMANDS.filter((c) => isMutation(c.id) && km.bindings[c.id].length > 0).length);
    expect([...helpEntries(km, false).values()].flat().some(([, l, off]) => off || l.includes(READONLY_OFF))).toBe(false);
    const verbs = verbEntries(true);
    expect(verbs.find(([w]) => w.includes(':rollback'))?.[1].startsWith(`${READONLY_OFF} rollback`)).toBe(true);
    expect(verbs.every(([w, , off]) => off === /:(reconcile|suspend|force|reset|restart|scale|rollback|delete|shell|port-forward|edit|remove-finalizers)\b/.test(w))).toBe(true);
  });
});
