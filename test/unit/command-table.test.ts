// The command table (src/commands/table.ts) is the one declaration of every command: the
// built-in keymaps and the docs table are generated from it, its actions exist in the catalog,
// its keys can be typed, its `:` words and shell subcommands do not collide.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { catalogEntry } from '../../src/actions/catalog.js';
import { BUILTIN_KEYMAPS, builtinKeymapFile, cliCommands, COMMANDS, OBJECT_COMMANDS, VERBS, verbCommand } from '../../src/commands/table.js';
import { loadKeymap, parseKeySeq, undeliverable } from '../../src/config/keymap.js';
import { argumentHint, completions } from '../../src/ui/palette.js';
import { VIEWS } from '../../src/ui/view.js';
import { demoStore, FakeStore } from '../helpers/fake-store.js';
import '../../src/ui/app.js';
import { docsWithTable, DOCS } from '../../tools/keymaps.js';

describe('the command table', () => {
  it('the built-in keymap files are what the table declares (npm run keymaps writes them)', () => {
    for (const k of BUILTIN_KEYMAPS) expect(readFileSync(`keymaps/${k.name}.json`, 'utf8'), `keymaps/${k.name}.json`).toBe(builtinKeymapFile(k.name));
  });

  it('the docs table is the table (npm run keymaps writes it)', () => {
    const doc = readFileSync(DOCS, 'utf8');
    expect(doc).toBe(docsWithTable(doc));
    for (const c of COMMANDS) expect(doc).toContain(`| \`${c.id}\` |`);
  });

  it('loading a built-in keymap binds every command to its declared keys', () => {
    for (const k of BUILTIN_KEYMAPS) {
      const km = loadKeymap(k.name, { configDir: null });
      for (const c of COMMANDS) expect(km.bindings[c.id].map((s) => s.join(' ')), `${k.name} ${c.id}`).toEqual([...(k.name === 'vim' ? (c.keys.vim ?? c.keys.default) : c.keys.default)]);
    }
  });

  it('every declared key parses and can be typed', () => {
    for (const c of COMMANDS) for (const key of [...c.keys.default, ...(c.keys.vim ?? [])]) {
      const seq = parseKeySeq(key);
      expect(seq, `${c.id}: ${key}`).toBeDefined();
      expect(seq!.map(undeliverable).filter(Boolean), `${c.id}: ${key}`).toEqual([]);
    }
  });

  it('ids are unique; every object action is a catalog entry; every shell subcommand a catalog action', () => {
    expect(new Set(COMMANDS.map((c) => c.id)).size).toBe(COMMANDS.length);
    for (const c of OBJECT_COMMANDS) {
      if ('action' in c.effect) {
        expect(catalogEntry(c.effect.action), c.id).toBeDefined();
        if (c.effect.whenSuspended) expect(catalogEntry(c.effect.whenSuspended), c.id).toBeDefined();
      }
    }
    const names = cliCommands().map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
    for (const n of names) expect(catalogEntry(n), n).toBeDefined();
    expect(names.sort()).toEqual(['delete', 'reconcile', 'restart', 'resume', 'rollback', 'scale', 'suspend']);
  });

  it('`:` words are unique, name no view, and resolve to their command and action', () => {
    const verbs = OBJECT_COMMANDS.flatMap((c) => c.verbs ?? []);
    expect(new Set(verbs).size).toBe(verbs.length);
    for (const v of verbs) expect(VIEWS.has(v), `:${v} is also a view`).toBe(false);
    expect(verbCommand('resume')).toMatchObject({ cmd: { id: 'flux.suspend' }, action: 'resume' });
    expect(verbCommand('suspend')).toMatchObject({ cmd: { id: 'flux.suspend' }, action: 'suspend' });
    expect(verbCommand('rollback')).toMatchObject({ cmd: { id: 'workload.rollback' }, action: 'rollback' });
    expect(verbCommand('shell')).toMatchObject({ cmd: { id: 'pod.shell' } });
    expect(verbCommand('pods')).toBeUndefined();
  });
});

describe('the palette completes what the table declares', () => {
  // `:reco` offered only kinds and views, `:scal` nothing, though `:reconcile⏎` runs
  it('every object command\'s `:` word, from its first letters, first among the kinds and views', () => {
    const store = demoStore();
    const ctx = store.contexts().map((c) => c.name);
    const verbs = OBJECT_COMMANDS.flatMap((c) => c.verbs ?? []);
    expect(verbs).toEqual(expect.arrayContaining(['reconcile', 'resume', 'restart', 'suspend', 'rollback', 'scale']));
    for (const v of verbs) expect(completions(v.slice(0, 4), store, ctx), v).toContain(v);
    expect(completions('roll', store, ctx)[0]).toBe('rollback');
    expect(completions('scal', store, ctx)[0]).toBe('scale');
    expect(completions('reco', store, ctx)[0]).toBe('reconcile');
  });
});

describe('the palette after an object command\'s word', () => {
  // `:scale ` offered namespaces and contexts; choosing one gave `:scale: "checkout" is not a number`
  it('completes nothing, and names the number it takes where it takes one (from the table\'s verbArg)', () => {
    const store = new FakeStore(['dev', 'staging'], { connected: ['dev'] });
    const ctx = ['dev'];
    for (const v of VERBS) {
      expect(completions(`${v} `, store, ctx), v).toEqual([]);
      expect(completions(`${v} d`, store, ctx), v).toEqual([]);
      expect(argumentHint(`${v} `), v).toBe(verbCommand(v)!.cmd.verbArg?.shape);
    }
    expect(argumentHint('scale ')).toBe('[N] replicas');
    expect(argumentHint('rollback ')).toBe('[N] revision');
    expect(argumentHint('suspend ')).toBeUndefined();
    expect(argumentHint('scale 3 ')).toBeUndefined();
    // other commands' arguments still complete, every kubeconfig context among them
    expect(completions('pods st', store, ctx)).toContain('staging');
  });
});
