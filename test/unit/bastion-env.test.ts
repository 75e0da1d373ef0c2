// What a bastion's environment does to fleetdeck, unit by unit: the locale's character set,
// TERM, the XDG directories with and without a home, the audit log's fallback when the state
// directory cannot be written, and the screen's ASCII drawing outside a UTF-8 locale.
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import blessed from 'blessed';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAuditLog } from '../../src/actions/audit.js';
import { appConfigPath } from '../../src/config/app-config.js';
import { configDir, stateDir, writableStateDir } from '../../src/platform/xdg.js';
import { fileExists, isSingleExecutable, packageVersion, readTextFile, shippedPath } from '../../src/platform/shipped.js';
import { openScreen } from '../../src/ui/shell.js';
import { ASCII_GLYPHS, terminalProblem, utf8Locale } from '../../src/ui/terminal.js';

let tmp: string;
let savedTmpdir: string | undefined;
beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), 'fd-bastion-'));
  savedTmpdir = process.env.TMPDIR;
  process.env.TMPDIR = tmp; // the fallback goes under os.tmpdir()
});
afterEach(() => {
  if (savedTmpdir === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = savedTmpdir;
  rmSync(tmp, { recursive: true, force: true });
});

describe('the locale', () => {
  it.each([
    [{ LANG: 'en_US.UTF-8' }, true],
    [{ LANG: 'C.UTF-8' }, true],
    [{ LANG: 'de_DE.utf8@euro' }, true],
    [{ LANG: 'C' }, false],
    [{ LANG: 'POSIX' }, false],
    [{}, false],
    [{ LANG: 'en_US.ISO-8859-1' }, false],
    // POSIX precedence: LC_ALL over LC_CTYPE over LANG
    [{ LANG: 'en_US.UTF-8', LC_ALL: 'C' }, false],
    [{ LANG: 'C', LC_CTYPE: 'en_US.UTF-8' }, true],
    [{ LC_CTYPE: 'C', LC_ALL: 'en_US.UTF-8' }, true],
    [{ LANG: 'en_US.UTF-8', LC_ALL: '' }, true],
  ])('%j is UTF-8: %s', (env, want) => {
    expect(utf8Locale(env)).toBe(want);
  });
});

describe('TERM', () => {
  it('unset, empty or dumb is refused with what to do; anything else is drawn', () => {
    expect(terminalProblem({})).toMatch(/^TERM is not set.*TERM=xterm-256color fleetdeck.*fleetdeck status/);
    expect(terminalProblem({ TERM: ' ' })).toMatch(/^TERM is not set/);
    expect(terminalProblem({ TERM: 'dumb' })).toMatch(/^TERM=dumb cannot move the cursor/);
    expect(terminalProblem({ TERM: 'xterm-256color' })).toBeUndefined();
    expect(terminalProblem({ TERM: 'screen' })).toBeUndefined();
    expect(terminalProblem({ TERM: 'some-term-without-terminfo' })).toBeUndefined();
  });
});

describe('XDG directories', () => {
  it('follow XDG_*_HOME when absolute, else HOME; a relative XDG value is ignored as the spec says', () => {
    expect(configDir({ XDG_CONFIG_HOME: '/x/cfg', HOME: '/h' })).toBe('/x/cfg/fleetdeck');
    expect(configDir({ XDG_CONFIG_HOME: 'rel/cfg', HOME: '/h' })).toBe('/h/.config/fleetdeck');
    expect(stateDir({ HOME: '/h' })).toBe('/h/.local/state/fleetdeck');
    expect(stateDir({ XDG_STATE_HOME: '/s', HOME: '/h' })).toBe('/s/fleetdeck');
    expect(appConfigPath({ HOME: '/h' })).toBe('/h/.config/fleetdeck/config.yaml');
  });

  it('a writable state directory is used as is, created with mode 0700', async () => {
    const w = await writableStateDir({ XDG_STATE_HOME: join(tmp, 'state') });
    expect(w).toEqual({ dir: join(tmp, 'state', 'fleetdeck') });
    expect(statSync(w.dir).mode & 0o777).toBe(0o700);
  });

  it('one that cannot be made falls back to a private temp directory and says why', async () => {
    const file = join(tmp, 'a-file');
    writeFileSync(file, '');
    // a path under a regular file fails for every user, root included
    const w = await writableStateDir({ XDG_STATE_HOME: join(file, 'state') });
    const fallback = join(tmp, `fleetdeck-${process.getuid!()}`, 'state');
    expect(w.dir).toBe(fallback);
    expect(w.notice).toBe(`${join(file, 'state', 'fleetdeck')} is not writable (ENOTDIR); writing to ${fallback} instead (set XDG_STATE_HOME to choose)`);
    expect(statSync(join(tmp, `fleetdeck-${process.getuid!()}`)).mode & 0o777).toBe(0o700);
  });

  it('never writes into a fallback that is a symlink or open to others', async () => {
    const file = join(tmp, 'a-file');
    writeFileSync(file, '');
    const top = join(tmp, `fleetdeck-${process.getuid!()}`);
    mkdirSync(join(tmp, 'elsewhere'));
    symlinkSync(join(tmp, 'elsewhere'), top);
    await expect(writableStateDir({ XDG_STATE_HOME: join(file, 's') })).rejects.toThrow(/is not a private directory of this user/);
    rmSync(top);
    mkdirSync(top, { mode: 0o777 });
    chmodSync(top, 0o777);
    await expect(writableStateDir({ XDG_STATE_HOME: join(file, 's') })).rejects.toThrow(/mode 777/);
  });
});

describe('the audit log on a bastion', () => {
  const entry = {
    context: 'dev',
    action: 'suspend',
    object: { kind: 'Kustomization', namespace: 'flux-system', name: 'apps' },
    request: { method: 'PATCH', path: '/apis/x', body: { spec: { suspend: true } } },
    result: { status: 200 },
  } as const;

  it('writes to the fallback when the state directory cannot be written, and says so once', async () => {
    const file = join(tmp, 'a-file');
    writeFileSync(file, '');
    const log = createAuditLog({ env: { XDG_STATE_HOME: join(file, 'state') }, user: 'u' });
    await log.record(entry);
    const fallback = join(tmp, `fleetdeck-${process.getuid!()}`, 'state', 'audit.log');
    expect(log.path).toBe(fallback);
    expect(log.takeNotice?.()).toMatch(/^audit log: .* is not writable \(ENOTDIR\); writing to .* instead/);
    expect(log.takeNotice?.()).toBeUndefined();
    await log.record(entry);
    expect(readFileSync(fallback, 'utf8').trim().split('\n')).toHaveLength(2);
    expect(statSync(fallback).mode & 0o777).toBe(0o600);
  });

  it('in the state directory when it can, with nothing to say', async () => {
    const log = createAuditLog({ env: { XDG_STATE_HOME: join(tmp, 'st') }, user: 'u' });
    await log.record(entry);
    expect(log.path).toBe(join(tmp, 'st', 'fleetdeck', 'audit.log'));
    expect(log.takeNotice?.()).toBeUndefined();
    expect(JSON.parse(readFileSync(log.path, 'utf8')).action).toBe('suspend');
  });
});

describe('the files fleetdeck ships', () => {
  it('are read from the package outside the single executable', () => {
    expect(isSingleExecutable()).toBe(false);
    expect(fileExists(shippedPath('themes/default.json'))).toBe(true);
    expect(JSON.parse(readTextFile(shippedPath('keymaps/vim.json'))).name).toBe('vim');
    expect(packageVersion()).toBe(JSON.parse(readFileSync('package.json', 'utf8')).version);
    // embedded paths are never looked up on disk outside the executable
    expect(fileExists('/<fleetdeck>/themes/default.json')).toBe(false);
    expect(() => readTextFile('/<fleetdeck>/themes/default.json')).toThrow(/ENOENT/);
  });
});

describe('the screen outside a UTF-8 locale', () => {
  function draw(env: NodeJS.ProcessEnv, content: string): string {
    const output = new PassThrough();
    let written = '';
    output.on('data', (d: Buffer) => (written += d.toString('utf8')));
    Object.assign(output, { isTTY: true, columns: 60, rows: 5 });
    const input = new PassThrough();
    const screen = openScreen({ input, output, terminal: 'xterm-256color', env });
    blessed.box({ parent: screen, top: 0, left: 0, width: 60, height: 3, content, border: { type: 'line' } });
    screen.render();
    screen.destroy();
    // blessed moves the cursor over blank cells: CSI n C back to n spaces
    return written.replace(/\x1b\[(\d+)C/g, (_m, n: string) => ' '.repeat(Number(n)));
  }

  it('draws every glyph of the table as its ASCII character, borders included, and nothing outside ASCII', () => {
    const glyphs = Object.keys(ASCII_GLYPHS).join('');
    const out = draw({ LANG: 'C' }, `✓ dev ● stg ▲ x ✗ y ⊘ z ├─ └─ │ ▁█ …`);
    expect(out).not.toMatch(/[^\x00-\x7f]/);
    expect(out).toContain('+ dev * stg ! x x y / z |- `- | _# ~');
    expect(out).toContain('+----'); // the box's top border
    for (const ch of Object.values(ASCII_GLYPHS)) expect(ch).toMatch(/^[\x20-\x7e]$/);
    expect(glyphs).not.toMatch(/[\x00-\x7f]/);
  });

  it('a double-width character is two ASCII cells, so the rest of its row stays in its columns', () => {
    const out = draw({ LANG: 'C' }, 'a界b|');
    expect(out).toContain('a??b|');
  });

  it('draws them as they are in a UTF-8 locale, lines and · too, never through the alternate character set', () => {
    const out = draw({ LANG: 'en_US.UTF-8' }, '✓ dev ▁█ … [9+ · 2 failed] ± ≤ ├─ │');
    expect(out).toContain('✓ dev ▁█ … [9+ · 2 failed] ± ≤ ├─ │');
    expect(out).toContain('┌──'); // the box's top border
    // ESC ( 0 switches to DEC line drawing (where `~` is drawn as ·), ESC ( B back; SI/SO likewise
    expect(out).not.toMatch(/\x1b\(0|[\x0e\x0f]/);
  });
});
