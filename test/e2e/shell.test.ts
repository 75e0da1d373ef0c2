import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { run } from './harness.js';

// the fixture and what it imports, compiled once into a temp dir beside copies of keymaps/ and themes/
let fixture = '';
beforeAll(() => {
  const out = mkdtempSync(join(tmpdir(), 'fd-e2e-'));
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '--outDir', out, '--rootDir', '.', '--module', 'NodeNext', '--moduleResolution', 'NodeNext',
    '--target', 'ES2022', '--esModuleInterop', '--skipLibCheck', '--resolveJsonModule', '--types', 'node', 'test/e2e/fixtures/app.ts']);
  cpSync('keymaps', join(out, 'keymaps'), { recursive: true });
  cpSync('themes', join(out, 'themes'), { recursive: true });
  writeFileSync(join(out, 'package.json'), '{"type":"module"}');
  symlinkSync(resolve('node_modules'), join(out, 'node_modules'));
  fixture = join(out, 'test/e2e/fixtures/app.js');
}, 120_000);

describe('the shell in a pty', () => {
  it('opens on three ready contexts, runs the palette, resizes, quits leaving the terminal normal', async () => {
    const s = run(process.execPath, [fixture]);
    await s.waitFor(/✓ dev ready.*✓ staging ready.*✓ prod-eu ready/);
    await s.waitFor('CONTEXT');
    s.type(':ks');
    s.press('enter');
    await s.waitFor('kustomize build failed');
    s.resize(80, 24);
    const t = await s.waitFor((x) => x.split('\n')[23].includes('kustomizations') && x.split('\n')[0].includes('fleetdeck'));
    expect(t.split('\n')[22]).toContain('<:> command');
    s.press('q');
    expect(await s.exit()).toBe(0);
    expect(await s.restored()).toBe(true);
  });

  it('the vim keymap changes a binding; help shows it', async () => {
    const s = run(process.execPath, [fixture, 'vim']);
    await s.waitFor('web-7d9f8');
    s.press('?');
    await s.waitFor(/ctrl-d\s+half page down/);
    s.press('ctrl-c');
    expect(await s.exit()).toBe(0);
  });

  it('a bad theme exits 2 naming file, line and key', async () => {
    const bad = join(mkdtempSync(join(tmpdir(), 'fd-theme-')), 'bad.json');
    writeFileSync(bad, '{\n  "styles": {\n    "header": "chartreuse"\n  }\n}\n');
    const s = run(process.execPath, [fixture, '', bad]);
    expect(await s.exit()).toBe(2);
    expect(s.output()).toContain(`${bad}:3: styles.header: unknown colour "chartreuse"`);
  });

  it('SIGTERM restores the terminal', async () => {
    const s = run(process.execPath, [fixture]);
    await s.waitFor('web-7d9f8');
    expect(await s.restored()).toBe(false);
    s.kill('SIGTERM');
    expect(await s.exit()).toBe(143);
    expect(await s.restored()).toBe(true);
  });
});
