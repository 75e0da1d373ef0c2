import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import xterm from '@xterm/headless';
import { loadKeymap } from '../../src/config/keymap.js';
import { loadTheme } from '../../src/config/theme.js';
import { runApp } from '../../src/ui/app.js';
import { demoStore, type FakeStore } from '../helpers/fake-store.js';

const NOW = Date.parse('2026-11-20T10:00:00Z');

interface Rig {
  term: InstanceType<typeof xterm.Terminal>;
  input: PassThrough;
  done: Promise<void>;
  store: FakeStore;
  text(): Promise<string>;
  waitFor(pred: string | RegExp, ms?: number): Promise<string>;
  keys(s: string): void;
}

let rigs: Rig[] = [];
afterEach(() => {
  for (const r of rigs) r.input.write('\x03');
  rigs = [];
});

function start(opts: { cols?: number; rows?: number; keymap?: string; startCommand?: string; readonly?: boolean; contexts?: string[]; undiscovered?: boolean } = {}): Rig {
  const cols = opts.cols ?? 120;
  const rows = opts.rows ?? 30;
  const term = new xterm.Terminal({ cols, rows, allowProposedApi: true });
  const input = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => undefined });
  const output = Object.assign(new PassThrough(), { isTTY: true, columns: cols, rows });
  output.on('data', (d: Buffer) => term.write(d.toString('utf8')));
  const store = demoStore({ now: NOW, undiscovered: opts.undiscovered });
  const done = runApp({
    store, contexts: opts.contexts ?? ['dev', 'staging', 'prod-eu'], readonly: opts.readonly ?? false,
    keymap: loadKeymap(opts.keymap, { configDir: null }), theme: loadTheme(undefined, { configDir: null }),
    startCommand: opts.startCommand ?? 'pods', input, output, terminal: 'xterm-256color', now: () => NOW,
  });
  const text = () => new Promise<string>((res) => term.write('', () => {
    const b = term.buffer.active;
    const lines: string[] = [];
    for (let i = 0; i < term.rows; i++) lines.push(b.getLine(i)?.translateToString(true) ?? '');
    res(lines.join('\n'));
  }));
  const rig: Rig = {
    term, input, done, store, text,
    async waitFor(pred, ms = 3000) {
      const deadline = Date.now() + ms;
      for (;;) {
        const t = await text();
        if (typeof pred === 'string' ? t.includes(pred) : pred.test(t)) return t;
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${String(pred)}; screen:\n${t}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    keys(s) {
      input.write(s);
    },
  };
  rigs.push(rig);
  return rig;
}

describe('app shell', () => {
  it('shows contexts with badges, pods from every context with a CONTEXT column', async () => {
    const r = start();
    const t = await r.waitFor('web-7d9f8');
    expect(t).toMatch(/✓ dev ready/);
    expect(t).toMatch(/✓ prod-eu ready/);
    expect(t).toContain('CONTEXT');
    expect(t).toContain('CrashLoopBackOff');
    for (const c of ['dev', 'staging', 'prod-eu']) expect(t).toMatch(new RegExp(`^${c}\\s+`, 'm'));
  });

  it('columns come from the model: pods as kubectl prints them, a CRD with its printer columns and HEALTH, wide adds priority columns', async () => {
    const r = start();
    let t = await r.waitFor('web-7d9f8');
    expect(t).toMatch(/CONTEXT\s+NAMESPACE\s+NAME\S*\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE/);
    expect(t).toMatch(/dev-node-1/);
    r.keys(':clusters shop\r');
    t = await r.waitFor('orders-db');
    expect(t).toMatch(/NAME\S*\s+AGE\s+INSTANCES\s+READY\s+STATUS\s+PRIMARY\s+HEALTH/);
    expect(t).toMatch(/orders-db-1\s+Current/);
    r.keys(':certificates\r');
    t = await r.waitFor(/NAME\S*\s+READY\s+SECRET/);
    expect(t).not.toContain('ISSUER');
    r.keys('\x17');
    await r.waitFor(/READY\s+SECRET\s+ISSUER\s+STATUS/);
  });

  it('hides CONTEXT with one context and marks READONLY', async () => {
    const r = start({ contexts: ['dev'], readonly: true });
    const t = await r.waitFor('web-7d9f8');
    expect(t).not.toContain('CONTEXT');
    expect(t).toContain('READONLY');
  });

  it('palette opens a CRD kind with its printer columns; unknown kinds give a message', async () => {
    const r = start();
    await r.waitFor('web-7d9f8');
    r.keys(':ks\r');
    let t = await r.waitFor('kustomize build failed');
    expect(t).toMatch(/READY\s+SUSPENDED\s+REVISION/);
    r.keys(':nosuchthing\r');
    t = await r.waitFor('unknown resource or view "nosuchthing"');
    expect(t).toContain('kustomize build failed');
  });

  it('a pasted ":pods\\r" in one chunk lands in the prompt, not in global keys', async () => {
    const r = start({ startCommand: 'deploy' });
    await r.waitFor('UP-TO-DATE');
    r.keys(':po\r');
    await r.waitFor('RESTARTS');
  });

  it('filter narrows, ! inverts, -l selects by label, esc clears', async () => {
    const r = start();
    await r.waitFor('web-7d9f8');
    r.keys('/prod-eu\r');
    let t = await r.waitFor('[4/12]');
    expect(t).not.toMatch(/^dev\s/m);
    r.keys('/!prod-eu\r');
    t = await r.waitFor('[8/12]');
    r.keys('/-l tier=back\r');
    t = await r.waitFor('[6/12]');
    r.keys('\x1b');
    await r.waitFor('[12]');
  });

  it('yaml masks a secret until toggled; describe shows events; esc goes back', async () => {
    const r = start({ startCommand: 'secrets' });
    await r.waitFor('db-creds');
    r.keys('y');
    let t = await r.waitFor('password: ••••••');
    expect(t).not.toContain('aHVudGVyMg');
    r.keys('x');
    await r.waitFor('aHVudGVyMg==');
    r.keys('\x1b');
    await r.waitFor('DATA');
    r.keys(':pods prod-eu shop\r');
    await r.waitFor('CrashLoopBackOff');
    r.keys('d');
    t = await r.waitFor('Back-off restarting failed container');
    expect(t).toContain('Containers:');
    r.keys('\x1b');
    await r.waitFor('RESTARTS');
  });

  it('help lists the active keymap; vim differs', async () => {
    const r = start({ keymap: 'vim' });
    await r.waitFor('web-7d9f8');
    r.keys('?');
    const t = await r.waitFor('half page down');
    expect(t).toMatch(/ctrl-d\s+half page down/);
    expect(t).toMatch(/g g, home\s+top/);
  });

  it('a start view opened before discovery fills itself in when discovery lands', async () => {
    const r = start({ undiscovered: true });
    let t = await r.waitFor('waiting for discovery of dev, staging, prod-eu');
    expect(t).not.toContain('not known yet');
    r.store.discover('dev');
    t = await r.waitFor('web-7d9f8');
    expect(t).toContain('[4]');
    r.store.discover('staging');
    r.store.discover('prod-eu');
    t = await r.waitFor('[12]');
    expect(t).toMatch(/✓ prod-eu ready/);
  });

  it('a palette command typed during discovery waits instead of failing; unknown names fail after', async () => {
    const r = start({ undiscovered: true, startCommand: 'deploy' });
    await r.waitFor('waiting for discovery');
    r.keys(':ks\r');
    await r.waitFor('"ks": waiting for discovery');
    for (const c of ['dev', 'staging', 'prod-eu']) r.store.discover(c);
    await r.waitFor('kustomize build failed');
    r.keys(':nosuchthing\r');
    await r.waitFor('unknown resource or view "nosuchthing"');
  });

  it('quits on q and resolves', async () => {
    const r = start();
    await r.waitFor('web-7d9f8');
    r.keys('q');
    await r.done;
    await r.text();
    expect(r.term.buffer.active.type).toBe('normal');
  });
});
