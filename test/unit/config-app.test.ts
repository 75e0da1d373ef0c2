// The app config file: defaults, fleets, protected pattern, and errors naming file, line and key.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { appConfigPath, ConfigError, loadAppConfig, parseAppConfig } from '../../src/config/app-config.js';
import { loadKeymap } from '../../src/config/keymap.js';
import { BUILTIN_THEMES, loadTheme } from '../../src/config/theme.js';

const f = '/etc/fd/config.yaml';

function error(text: string): ConfigError {
  try {
    parseAppConfig(text, f);
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

describe('app config', () => {
  it('lives under XDG_CONFIG_HOME, else ~/.config', () => {
    expect(appConfigPath({ XDG_CONFIG_HOME: '/x' }, '/h')).toBe('/x/fleetdeck/config.yaml');
    expect(appConfigPath({}, '/h')).toBe('/h/.config/fleetdeck/config.yaml');
  });

  it('defaults when the file is missing or empty', () => {
    const d = loadAppConfig(path.join(tmpdir(), 'no-such-dir-fd', 'config.yaml'));
    expect(d.fleets).toEqual({});
    expect(d.protected.test('eu-prod-1')).toBe(true);
    expect(d.protected.test('dev')).toBe(false);
    expect(d.watchGraceSeconds).toBe(30);
    expect(parseAppConfig('', f).fleets).toEqual({});
  });

  it('reads fleets, the protected pattern and the rest', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'fd-cfg-'));
    const p = path.join(dir, 'config.yaml');
    writeFileSync(p, 'fleets:\n  prod: ["prod-*"]\n  one: dev\nprotected: "^(prod|live)-"\nwatchGraceSeconds: 5\nkeymap: vim\ntheme: light\n');
    const c = loadAppConfig(p);
    expect(c.fleets).toEqual({ prod: ['prod-*'], one: ['dev'] });
    expect(c.protected.test('live-eu')).toBe(true);
    expect(c.protected.test('eu-prod')).toBe(false);
    expect(c).toMatchObject({ watchGraceSeconds: 5, keymap: { spec: 'vim', file: p }, theme: { spec: 'light', file: p }, file: p });
  });

  it('names file, line and key in every error', () => {
    const e1 = error('fleets:\n  prod: ["prod-*"]\nprotected: "(unclosed"\n');
    expect(e1.message).toMatch(/^\/etc\/fd\/config\.yaml:3: protected: invalid regular expression/);
    expect(e1).toMatchObject({ file: f, line: 3, key: 'protected' });
    expect(error('fleets:\n  prod:\n    - 42\n').message).toBe('/etc/fd/config.yaml:3: fleets.prod: entries must be non-empty strings');
    expect(error('fleets: [a, b]\n').message).toMatch(/:1: fleets: must map fleet names/);
    expect(error('theme: light\nfleet: {}\n').message).toMatch(/:2: fleet: unknown setting \(known: fleets, protected/);
    expect(error('watchGraceSeconds: soon\n').message).toMatch(/:1: watchGraceSeconds: must be a number/);
    expect(error('fleets:\n  a: [x\n').message).toMatch(/^\/etc\/fd\/config\.yaml:\d+: invalid YAML/);
    expect(error('- a\n- b\n').message).toMatch(/\(top level\): must be a mapping/);
  });

  it("an unknown keymap or theme blames config.yaml's line and key; a path is relative to config.yaml", () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'fd-cfg-'));
    const p = path.join(dir, 'config.yaml');
    writeFileSync(p, 'fleets:\n  prod: ["prod-*"]\nprotected: "prod"\nwatchGraceSeconds: 30\nkeymap: vimm\ntheme: nope\n');
    const c = loadAppConfig(p);
    expect(() => loadKeymap(c.keymap, { configDir: null })).toThrow(`${p}:5: keymap: unknown keymap "vimm" (built-in: default, vim)`);
    expect(() => loadTheme(c.theme, { configDir: null })).toThrow(`${p}:6: theme: unknown theme "nope" (built-in: ${BUILTIN_THEMES.join(', ')})`);
    // the working directory (the repo, under vitest) is not config.yaml's folder
    writeFileSync(path.join(dir, 'mykm.json'), JSON.stringify({ extends: 'vim', bindings: { quit: ['ctrl-q'] } }));
    writeFileSync(path.join(dir, 'myth.yaml'), 'extends: light\n');
    writeFileSync(p, 'keymap: ./mykm.json\ntheme: myth.yaml\n');
    const rel = loadAppConfig(p);
    const k = loadKeymap(rel.keymap, { configDir: null });
    expect(k.bindings.quit).toEqual([['ctrl-q']]);
    expect(k.bindings.top).toContainEqual(['g', 'g']);
    expect(loadTheme(rel.theme, { configDir: null }).styles).toEqual(loadTheme('light', { configDir: null }).styles);
    writeFileSync(p, 'theme: ./nosuch.json\n');
    expect(() => loadTheme(loadAppConfig(p).theme, { configDir: null })).toThrow(`${p}:1: theme: no such theme file ${path.join(dir, 'nosuch.json')}`);
  });

  it("config.yaml's keymap wins over the user keymap file's extends (that file still merged over it)", () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'fd-cfg-'));
    const p = path.join(dir, 'config.yaml');
    writeFileSync(p, 'keymap: vim\n');
    writeFileSync(path.join(dir, 'keymap.json'), JSON.stringify({ extends: 'default', bindings: { quit: ['ctrl-q'] } }));
    const k = loadKeymap(loadAppConfig(p).keymap, { configDir: dir });
    expect(k.bindings.top).toContainEqual(['g', 'g']);
    expect(k.bindings.quit).toEqual([['ctrl-q']]);
  });
});
