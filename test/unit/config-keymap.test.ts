import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KeyResolver, loadKeymap, normalizeKey, parseKeySeq } from '../../src/config/keymap.js';
import { ConfigError } from '../../src/config/load.js';

const dir = () => mkdtempSync(join(tmpdir(), 'fd-keymap-'));

describe('keymaps', () => {
  it('normalizes key names', () => {
    expect(normalizeKey('N')).toBe('shift-n');
    expect(normalizeKey('Ctrl-F')).toBe('ctrl-f');
    expect(normalizeKey('escape')).toBe('esc');
    expect(normalizeKey('shift-ctrl-x')).toBe('ctrl-shift-x');
    expect(normalizeKey('hyper-x')).toBeUndefined();
    expect(parseKeySeq('g g')).toEqual(['g', 'g']);
  });

  it('loads default and vim; vim extends default and changes bindings', () => {
    const d = loadKeymap(undefined, { configDir: null });
    const v = loadKeymap('vim', { configDir: null });
    expect(d.bindings.quit).toEqual([['q'], ['ctrl-c']]);
    expect(v.bindings.quit).toEqual(d.bindings.quit);
    expect(d.bindings.top).toContainEqual(['g']);
    expect(v.bindings.top).toContainEqual(['g', 'g']);
    expect(v.bindings['half-page-down']).toEqual([['ctrl-d']]);
    expect(v.files.length).toBe(2);
  });

  it('merges the user file over the chosen base', () => {
    const cfg = dir();
    writeFileSync(join(cfg, 'keymap.json'), JSON.stringify({ name: 'mine', bindings: { quit: ['ctrl-q'] } }));
    const k = loadKeymap('vim', { configDir: cfg });
    expect(k.bindings.quit).toEqual([['ctrl-q']]);
    expect(k.bindings['half-page-down']).toEqual([['ctrl-d']]);
  });

  it('refuses keys a terminal cannot deliver (ctrl with a non-letter, ctrl-shift), naming the file and the key', () => {
    for (const key of ['ctrl-\\', 'ctrl-1', 'ctrl-shift-x']) {
      const cfg = dir();
      const file = join(cfg, 'keymap.json');
      writeFileSync(file, JSON.stringify({ name: 'mine', bindings: { 'clear-marks': [key] } }, null, 2));
      let err: unknown;
      try {
        loadKeymap(undefined, { configDir: cfg });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ConfigError);
      expect(String((err as Error).message)).toContain(file);
      expect(String((err as Error).message)).toContain(`key ${JSON.stringify(key)} can never be typed`);
    }
    // every built-in keymap passes the same check
    expect(() => loadKeymap('default', { configDir: null })).not.toThrow();
    expect(() => loadKeymap('vim', { configDir: null })).not.toThrow();
  });

  it('resolves sequences with prefixes', () => {
    const r = new KeyResolver(loadKeymap('vim', { configDir: null }));
    expect(r.lookup(['g'])).toEqual({ kind: 'prefix' });
    expect(r.lookup(['g', 'g'])).toEqual({ kind: 'actions', actions: ['top'] });
    expect(r.lookup(['z'])).toEqual({ kind: 'none' });
  });

  const bad = (text: string, file = 'keymap.json'): ConfigError => {
    const cfg = dir();
    writeFileSync(join(cfg, file), text);
    try {
      loadKeymap(undefined, { configDir: cfg });
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      return e as ConfigError;
    }
    throw new Error('no error');
  };

  it('names file, line and key for an unknown action', () => {
    const e = bad('{\n  "name": "x",\n  "bindings": {\n    "quit": ["q"],\n    "frobnicate": ["f"]\n  }\n}\n');
    expect(e.file).toMatch(/keymap\.json$/);
    expect(e.line).toBe(5);
    expect(e.key).toBe('bindings.frobnicate');
    expect(e.message).toMatch(/keymap\.json:5: bindings\.frobnicate: unknown action id "frobnicate"/);
  });

  it('names the line of an unknown key name', () => {
    const e = bad('{\n  "bindings": {\n    "quit": [\n      "q",\n      "hyper-q"\n    ]\n  }\n}\n');
    expect(e.line).toBe(5);
    expect(e.message).toContain('unknown key name "hyper-q"');
  });

  it('reports bad JSON with its line', () => {
    const e = bad('{\n  "bindings": {\n    "quit": ["q",]\n  }\n}\n');
    expect(e.line).toBe(3);
    expect(e.message).toMatch(/invalid JSON/);
  });

  it('reads YAML user files too', () => {
    const e = bad('bindings:\n  quit: [q]\n  nope: [x]\n', 'keymap.yaml');
    expect(e.line).toBe(3);
  });

  it('refuses one key bound to two commands the same view could run, naming the file, the key and both commands', () => {
    // r is restart's default: yaml on r too would make r ambiguous on a Deployment row
    const e = bad('{\n  "bindings": {\n    "yaml": ["y", "r"]\n  }\n}\n');
    expect(e.file).toMatch(/keymap\.json$/);
    expect(e.line).toBe(3);
    expect(e.message).toContain('key "r" is bound to both');
    expect(e.message).toContain('yaml');
    expect(e.message).toContain('workload.restart');
    // a shell command and a view's own key, both in one user file
    const both = bad('{\n  "bindings": {\n    "help": ["?", "shift-n"]\n  }\n}\n');
    expect(both.message).toMatch(/key "shift-n" is bound to both help and sort-name/);
    // two object commands some kind takes both of (a Deployment restarts and rolls back)
    expect(bad(JSON.stringify({ bindings: { 'workload.rollback': ['r'] } })).message).toMatch(/key "r" is bound to both workload\.restart and workload\.rollback/);
    // a movement key runs in the log view too: it cannot share a key with the log view's own
    expect(bad(JSON.stringify({ bindings: { 'logs.pause': ['j'] } })).message).toMatch(/key "j" is bound to both down and logs\.pause/);
  });

  it('lets commands no view runs together share a key, as the built-ins do', () => {
    const cfg = dir();
    // s is shell on a pod, scale on a workload, pause in the log view (no kind is a pod and scalable);
    // w wraps text views and the log view; v on the log view's clear is no object command's business
    writeFileSync(join(cfg, 'keymap.json'), JSON.stringify({ bindings: { 'logs.clear': ['v'], 'flux.reset': ['s'] } }));
    const k = loadKeymap(undefined, { configDir: cfg });
    expect(k.bindings['flux.reset']).toEqual([['s']]);
    // ... but a HelmRelease is reset and also has logs: logs.previous's p with flux.reset is refused
    expect(bad(JSON.stringify({ bindings: { 'flux.reset': ['p'] } })).message).toMatch(/key "p" is bound to both logs\.previous and flux\.reset/);
  });

  it('refuses a key that is also the start of a sequence (it could never fire alone)', () => {
    const e = bad(JSON.stringify({ bindings: { describe: ['d'], 'workload.delete': ['d d'] } }));
    expect(e.message).toContain('key "d" (describe) can never fire alone: it starts the sequence "d d" (workload.delete)');
  });

  it('a user file may only pick its base: no bindings overrides nothing; bindings of the wrong type is still refused', () => {
    const cfg = dir();
    const file = join(cfg, 'keymap.json');
    writeFileSync(file, '{"extends":"vim"}');
    const k = loadKeymap(undefined, { configDir: cfg });
    expect(k.bindings).toEqual(loadKeymap('vim', { configDir: null }).bindings);
    expect(k.files[k.files.length - 1]).toBe(file);
    writeFileSync(file, '{\n  "extends": "vim",\n  "bindings": ["q"]\n}\n');
    expect(() => loadKeymap(undefined, { configDir: cfg })).toThrow(`${file}:3: bindings: must be an object of action id → list of keys`);
  });

  it('refuses two user keymap files (keymap.yaml and keymap.yml), naming both, rather than pick one', () => {
    const cfg = dir();
    writeFileSync(join(cfg, 'keymap.yaml'), 'bindings: {}\n');
    // the one that would have been ignored holds an error nobody would have seen
    writeFileSync(join(cfg, 'keymap.yml'), 'bindings: {quit: [x\n');
    expect(() => loadKeymap(undefined, { configDir: cfg })).toThrow(
      `${join(cfg, 'keymap.yaml')}: ${join(cfg, 'keymap.yml')} exists too: keep one keymap file (remove or rename the other)`,
    );
    writeFileSync(join(cfg, 'keymap.json'), '{}');
    expect(() => loadKeymap(undefined, { configDir: cfg })).toThrow(
      `${join(cfg, 'keymap.json')}: ${join(cfg, 'keymap.yaml')} and ${join(cfg, 'keymap.yml')} exist too: keep one keymap file (remove or rename the others)`,
    );
  });

  it('rejects an unknown built-in name', () => {
    expect(() => loadKeymap('emacs', { configDir: null })).toThrow(/unknown keymap "emacs"/);
  });

  it("a user file's bad extends names that file and its line", () => {
    const cfg = dir();
    const file = join(cfg, 'keymap.json');
    writeFileSync(file, '{\n  "name": "mine",\n  "extends": "nope",\n  "bindings": {}\n}\n');
    expect(() => loadKeymap(undefined, { configDir: cfg })).toThrow(`${file}:3: extends: unknown keymap "nope" (built-in: default, vim)`);
    // a base file's own extends is blamed on that base
    writeFileSync(join(cfg, 'base.yaml'), 'name: base\nbindings: {}\nextends: emacs\n');
    writeFileSync(file, '{ "extends": "base.yaml", "bindings": {} }');
    expect(() => loadKeymap(undefined, { configDir: cfg })).toThrow(`${join(cfg, 'base.yaml')}:3: extends: unknown keymap "emacs"`);
  });
});
