import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/load.js';
import { ANSI16, BUILTIN_THEMES, loadTheme, ROLES } from '../../src/config/theme.js';

describe('themes', () => {
  it('every built-in theme defines every role', () => {
    for (const name of BUILTIN_THEMES) {
      const raw = JSON.parse(readFileSync(join('themes', `${name}.json`), 'utf8'));
      expect(Object.keys(raw.styles).sort(), name).toEqual([...ROLES].sort());
      loadTheme(name, { configDir: null });
    }
  });

  it('16color uses only the 16 ANSI colours', () => {
    const t = loadTheme('16color', { configDir: null });
    for (const s of Object.values(t.styles)) {
      for (const c of [s.fg, s.bg]) if (c) expect([...ANSI16, 'default']).toContain(c);
    }
  });

  it('merges a user theme over the base, role by role', () => {
    const cfg = mkdtempSync(join(tmpdir(), 'fd-theme-'));
    writeFileSync(join(cfg, 'theme.json'), JSON.stringify({ extends: 'light', styles: { 'status.error': { fg: '#ff0000', bold: true } } }));
    const t = loadTheme(undefined, { configDir: cfg });
    expect(t.styles['status.error']).toEqual({ fg: '#ff0000', bold: true });
    expect(t.styles['status.ok']).toEqual(loadTheme('light', { configDir: null }).styles['status.ok']);
  });

  it('an unknown colour names file, line and key', () => {
    const cfg = mkdtempSync(join(tmpdir(), 'fd-theme-'));
    const file = join(cfg, 'bad.json');
    writeFileSync(file, '{\n  "name": "bad",\n  "styles": {\n    "header": { "fg": "chartreuse" }\n  }\n}\n');
    let err: unknown;
    try {
      loadTheme(file, { configDir: null });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toBe(`${file}:4: styles.header.fg: unknown colour "chartreuse" (use one of ${ANSI16.join(', ')}, default or #rrggbb)`);
  });

  it("colors: 16 over a 256-colour base blames the user's colors line, and passes once every #rrggbb role is overridden", () => {
    const cfg = mkdtempSync(join(tmpdir(), 'fd-theme-'));
    const file = join(cfg, 'theme.json');
    writeFileSync(file, '{\n  "name": "mine",\n  "colors": 16,\n  "styles": {}\n}\n');
    expect(() => loadTheme(undefined, { configDir: cfg })).toThrow(
      new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3: colors: 16, but its base .*themes/default\\.json:\\d+ sets styles\\.\\S+ to "#[0-9a-f]{6}": extend a 16-colour theme \\(16color\\)`),
    );
    // overriding every role the base colours with #rrggbb leaves a 16-colour theme
    const base = loadTheme('default', { configDir: null }).styles;
    const plain = Object.fromEntries(Object.keys(base).map((r) => [r, 'white']));
    writeFileSync(file, JSON.stringify({ name: 'mine', colors: 16, styles: plain }, null, 2));
    expect(loadTheme(undefined, { configDir: cfg }).colors).toBe(16);
  });

  it("a user file's bad extends names that file and line: an unknown name, a missing path (relative to the file)", () => {
    const cfg = mkdtempSync(join(tmpdir(), 'fd-theme-'));
    const file = join(cfg, 'theme.json');
    writeFileSync(file, '{\n  "name": "mine",\n  "extends": "nope",\n  "styles": {}\n}\n');
    expect(() => loadTheme(undefined, { configDir: cfg })).toThrow(`${file}:3: extends: unknown theme "nope" (built-in: ${BUILTIN_THEMES.join(', ')})`);
    writeFileSync(file, '{\n  "name": "mine",\n  "extends": "../base.json",\n  "styles": {}\n}\n');
    expect(() => loadTheme(undefined, { configDir: cfg })).toThrow(`${file}:3: extends: no such theme file ${join(cfg, '..', 'base.json')}`);
    writeFileSync(join(cfg, 'base.json'), JSON.stringify({ name: 'base', extends: 'light', styles: {} }));
    writeFileSync(file, '{ "extends": "base.json", "styles": {} }');
    expect(loadTheme(undefined, { configDir: cfg }).name).toBe('base');
  });

  it('a user file may only pick its base: no styles overrides nothing; styles of the wrong type is still refused', () => {
    const cfg = mkdtempSync(join(tmpdir(), 'fd-theme-'));
    const file = join(cfg, 'theme.json');
    writeFileSync(file, '{"extends":"light"}');
    const t = loadTheme(undefined, { configDir: cfg });
    expect(t.styles).toEqual(loadTheme('light', { configDir: null }).styles);
    expect(t.files[t.files.length - 1]).toBe(file);
    writeFileSync(file, '{\n  "extends": "light",\n  "styles": "red"\n}\n');
    expect(() => loadTheme(undefined, { configDir: cfg })).toThrow(`${file}:3: styles: must be an object of role → style`);
  });

  it('refuses theme.json beside theme.yaml, naming both, rather than pick one', () => {
    const cfg = mkdtempSync(join(tmpdir(), 'fd-theme-'));
    writeFileSync(join(cfg, 'theme.json'), '{"extends":"light"}');
    writeFileSync(join(cfg, 'theme.yaml'), 'styles:\n  header: chartreuse\n');
    expect(() => loadTheme(undefined, { configDir: cfg })).toThrow(
      `${join(cfg, 'theme.json')}: ${join(cfg, 'theme.yaml')} exists too: keep one theme file (remove or rename the other)`,
    );
  });

  it('an unknown role is an error', () => {
    const cfg = mkdtempSync(join(tmpdir(), 'fd-theme-'));
    writeFileSync(join(cfg, 'theme.json'), '{"styles": {"sparkles": "red"}}');
    expect(() => loadTheme(undefined, { configDir: cfg })).toThrow(/theme\.json:1: styles\.sparkles: unknown role/);
  });
});
