// The app rendered into @xterm/headless through in-memory streams: keys in, screen out.
import { PassThrough } from 'node:stream';
import xterm from '@xterm/headless';
import { Unicode11Addon } from '@xterm/addon-unicode11';
import type { AuditEntry, AuditLog } from '../../src/actions/audit.js';
import { loadKeymap } from '../../src/config/keymap.js';
import { loadTheme } from '../../src/config/theme.js';
import { runApp } from '../../src/ui/app.js';
import type { FleetStore } from '../../src/fleet/types.js';
import { demoStore, type FakeStore } from './fake-store.js';
import { waitUntil } from './wait.js';

export const NOW = Date.parse('2026-11-20T10:00:00Z');

export interface Rig<S extends FleetStore = FakeStore> {
  term: InstanceType<typeof xterm.Terminal>;
  input: PassThrough;
  done: Promise<void>;
  store: S;
  audit: AuditEntry[];
  text(): Promise<string>;
  /** the screen cell by cell: each row's cells' characters ('' for the right half of a wide character) */
  cells(): Promise<string[][]>;
  waitFor(pred: string | RegExp | ((screen: string) => boolean), ms?: number): Promise<string>;
  keys(s: string): void;
}

let rigs: { input: PassThrough }[] = [];
/** Quits every app started since the last call (afterEach). */
export function stopAll(): void {
  for (const r of rigs) r.input.write('\x03');
  rigs = [];
}

export interface RigOptions<S extends FleetStore = FakeStore> {
  cols?: number;
  rows?: number;
  keymap?: string;
  /** '' for the app's default start view */
  startCommand?: string;
  readonly?: boolean;
  contexts?: string[];
  undiscovered?: boolean;
  /** default: the in-memory demo store; a real store over the sim works the same */
  store?: S;
  protectedPattern?: RegExp;
  followTimeoutMs?: number;
  /** a built-in theme name (default: default) */
  theme?: string;
  /** runApp's onFrame: called after each frame, drawn or not */
  onFrame?(drawn: boolean): void;
}

export function start<S extends FleetStore = FakeStore>(opts: RigOptions<S> = {}): Rig<S> {
  const cols = opts.cols ?? 120;
  const rows = opts.rows ?? 30;
  const term = new xterm.Terminal({ cols, rows, allowProposedApi: true });
  // widths as terminals lay them out today (CJK and emoji two columns), as the app measures them
  term.loadAddon(new Unicode11Addon());
  term.unicode.activeVersion = '11';
  const input = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => undefined });
  const output = Object.assign(new PassThrough(), { isTTY: true, columns: cols, rows });
  output.on('data', (d: Buffer) => term.write(d.toString('utf8')));
  const store = (opts.store ?? demoStore({ now: NOW, undiscovered: opts.undiscovered })) as S;
  const audit: AuditEntry[] = [];
  const auditLog: AuditLog = { path: 'memory', record: async (e) => void audit.push(e) };
  const done = runApp({
    store, contexts: opts.contexts ?? ['dev', 'staging', 'prod-eu'], readonly: opts.readonly ?? false,
    keymap: loadKeymap(opts.keymap, { configDir: null }), theme: loadTheme(opts.theme, { configDir: null }),
    startCommand: opts.startCommand === '' ? undefined : (opts.startCommand ?? 'pods'), input, output, terminal: 'xterm-256color', now: () => NOW,
    audit: auditLog, protectedPattern: opts.protectedPattern, followTimeoutMs: opts.followTimeoutMs ?? 3000, pollIntervalMs: 10,
    onFrame: opts.onFrame,
  });
  const text = () => new Promise<string>((res) => term.write('', () => {
    const b = term.buffer.active;
    const lines: string[] = [];
    for (let i = 0; i < term.rows; i++) lines.push(b.getLine(i)?.translateToString(true) ?? '');
    res(lines.join('\n'));
  }));
  const cells = () => new Promise<string[][]>((res) => term.write('', () => {
    const b = term.buffer.active;
    res(Array.from({ length: term.rows }, (_, i) => {
      const line = b.getLine(i);
      return Array.from({ length: term.cols }, (_x, x) => line?.getCell(x)?.getChars() ?? '');
    }));
  }));
  const rig: Rig<S> = {
    term, input, done, store, audit, text, cells,
    async waitFor(pred, ms = 3000) {
      let t = '';
      const shown = async (): Promise<string | false> => {
        t = await text();
        return (typeof pred === 'string' ? t.includes(pred) : typeof pred === 'function' ? pred(t) : pred.test(t)) && t;
      };
      return waitUntil(String(pred), shown, { timeoutMs: ms, intervalMs: 10, detail: () => `; screen:\n${t}` });
    },
    keys(s) {
      input.write(s);
    },
  };
  rigs.push(rig);
  return rig;
}

