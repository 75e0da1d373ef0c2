// Issue 15's table-driven check: every view × every key its footer and the help screen
// advertise does something visible or says why not. The app runs on a real fleet store over
// the simulated demo fleet (HTTPS, client-node), its clock held still so that nothing changes
// on the screen unless a key changed it; every context is protected, so a mutation or a
// session shows its confirmation (esc cancels it) and nothing is sent.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/commands/table.js';
import { loadKeymap } from '../../src/config/keymap.js';
import { createFleetStore, type Fleet } from '../../src/fleet/store.js';
import { createScenario } from '../../src/sim/build-cluster.js';
import { startSimFleet, type SimFleet } from '../../src/sim/fleet.js';
import { start, stopAll, type Rig } from '../helpers/ui-rig.js';
import { waitUntil } from '../helpers/wait.js';

const ROWS = 16;
const COLS = 150;
const WAIT_MS = 8000;

/** The bytes a terminal sends for a keymap key. */
function bytes(key: string): string {
  const named: Record<string, string> = {
    esc: '\x1b', enter: '\r', tab: '\t', backspace: '\x7f', space: ' ', up: '\x1b[A', down: '\x1b[B', right: '\x1b[C', left: '\x1b[D',
    home: '\x1b[1~', end: '\x1b[4~', pageup: '\x1b[5~', pagedown: '\x1b[6~', delete: '\x1b[3~', insert: '\x1b[2~',
  };
  if (named[key]) return named[key];
  const ctrl = /^ctrl-([a-z])$/.exec(key);
  if (ctrl) return String.fromCharCode(ctrl[1].charCodeAt(0) - 96);
  const shift = /^shift-([a-z])$/.exec(key);
  if (shift) return shift[1].toUpperCase();
  if (key.length === 1) return key;
  throw new Error(`no bytes for key ${key}`);
}

/**
 * What a view looks like to the check: everything but the context badges (line 1), each line's
 * text followed by where its colours change (a selected row is drawn in other colours only).
 */
async function screenOf(rig: Rig<Fleet>): Promise<string[]> {
  await rig.text();
  const b = rig.term.buffer.active;
  const out: string[] = [];
  for (let y = 1; y < rig.term.rows; y++) {
    const line = b.getLine(y);
    let attrs = '';
    let last = '';
    for (let x = 0; line && x < rig.term.cols; x++) {
      const c = line.getCell(x);
      const a = c ? `${c.getFgColor()}/${c.getBgColor()}/${c.isInverse()}/${c.isBold()}` : '';
      if (a !== last) attrs += ` ${x}:${a}`;
      last = a;
    }
    out.push(`${line?.translateToString(true) ?? ''}\u0000${attrs}`);
  }
  return out;
}
const text = (line: string | undefined): string => (line ?? '').split('\u0000')[0];
const titleLine = (s: string[]): string => text(s[0]);
const footerKeys = (s: string[]): string[] => [...text(s[s.length - 2]).matchAll(/<([^>]+)> /g)].map((m) => m[1]);

interface ViewCase {
  name: string;
  /** the keys that open it from a fresh start (palette lines end with enter) */
  open: string[];
  /** the header's second line starts with this once it is open */
  title: RegExp;
}

// every view the app has, opened as a user opens it
const VIEWS: ViewCase[] = [
  { name: 'fleet', open: [':fleet\r'], title: /^ fleet/ },
  { name: 'problems', open: [':problems\r'], title: /^ problems/ },
  { name: 'pods', open: [':pods\r'], title: /^ pods/ },
  { name: 'deployments', open: [':deploy\r'], title: /^ deployments/ },
  { name: 'flux', open: [':flux\r'], title: /^ flux/ },
  { name: 'events', open: [':events\r'], title: /^ events/ },
  { name: 'tree', open: [':xray deploy\r'], title: /^ xray/ },
  { name: 'history', open: [':deploy\r', 'h'], title: /^ history/ },
  { name: 'logs', open: [':deploy\r', 'l'], title: /^ logs/ },
  { name: 'yaml', open: [':deploy\r', 'y'], title: /^ yaml/ },
  { name: 'describe', open: [':deploy\r', 'd'], title: /^ describe/ },
  { name: 'compare', open: [':deploy\r', 'v'], title: /^ compare/ },
  { name: 'trace', open: [':deploy\r', 'o'], title: /^ trace/ },
  { name: 'changes', open: [':changes\r'], title: /^ changes/ },
  { name: 'outcomes', open: [':outcomes\r'], title: /^ outcomes/ },
  { name: 'help', open: [':help\r'], title: /^ help/ },
  { name: 'contexts', open: [':ctx\r'], title: /^ (contexts|pick)/ },
  { name: 'namespaces', open: [':ns\r'], title: /^ (namespace|pick)/ },
  { name: 'port-forwards', open: [':pf\r'], title: /^ port-forwards/ },
];

let sim: SimFleet;
let store: Fleet;
let rig: Rig<Fleet>;
const keymap = loadKeymap('default', { configDir: null });

beforeAll(async () => {
  const clusters = createScenario('demo', { manualClock: true });
  // settle: pods started, Flux reconciled, the injected faults in place; then time stands still
  for (const c of clusters) c.runtime.advance(180_000);
  sim = await startSimFleet({ clusters });
  store = createFleetStore({ kubeconfig: sim.kubeconfigPath, contexts: sim.contexts.map((c) => c.name) });
  // the editor the edit key starts exits at once without a change
  process.env.VISUAL = 'true';
  process.env.EDITOR = 'true';
  rig = start({ store, cols: COLS, rows: ROWS, contexts: sim.contexts.map((c) => c.name), protectedPattern: /./, startCommand: 'fleet' });
  await rig.waitFor(/dev .*ready/, 30_000);
}, 90_000);

afterAll(async () => {
  stopAll();
  await store?.close();
  await sim?.stop();
});

async function press(key: string): Promise<void> {
  rig.keys(bytes(key));
  // an esc alone must not merge with the next key into an alt- sequence
  await new Promise((r) => setTimeout(r, key === 'esc' ? 60 : 15));
}

async function settle(): Promise<string[]> {
  // two equal screens 150 ms apart (a frame is at most 100 ms away)
  let prev = await screenOf(rig);
  for (let i = 0; i < 40; i++) {
    await new Promise((r) => setTimeout(r, 150));
    const next = await screenOf(rig);
    if (next.join('\n') === prev.join('\n')) return next;
    prev = next;
  }
  return prev;
}

async function open(v: ViewCase): Promise<string[]> {
  for (let i = 0; i < 3; i++) await press('esc');
  for (const [i, k] of v.open.entries()) {
    rig.keys(k);
    if (i < v.open.length - 1) {
      // a table step: its rows are in before the next key acts on one
      await waitUntil(`${v.name}: ${k.trim()} has rows`, async () => { const s = await screenOf(rig); return !titleLine(s).startsWith(' fleet') && /\S/.test(text(s[2])); }, { timeoutMs: WAIT_MS });
      await settle();
    }
  }
  await waitUntil(`${v.name} open`, async () => v.title.test(titleLine(await screenOf(rig))), { timeoutMs: WAIT_MS });
  return settle();
}

/** Moves into a position where the movement key can move (up keys from the end, down keys from the top). */
async function prepare(id: string): Promise<void> {
  if (['up', 'page-up', 'half-page-up', 'top'].includes(id)) await press('shift-g');
  if (['down', 'page-down', 'half-page-down', 'bottom'].includes(id)) await press('g');
}

describe('every view × every advertised key does something or says why not', () => {
  for (const v of VIEWS) {
    it(`${v.name}`, async () => {
      const first = await open(v);
      const footer = footerKeys(first);
      expect(footer.length, `${v.name}: the footer advertises keys`).toBeGreaterThan(0);
      // the help screen lists every bound command: each of its keys, in every view
      const advertised = new Map<string, string>();
      for (const c of COMMANDS) for (const seq of keymap.bindings[c.id]) if (seq.length === 1) advertised.set(seq[0], c.id);
      for (const k of footer) expect(advertised.has(k), `${v.name}: footer key <${k}> is bound`).toBe(true);
      const silent: string[] = [];
      for (const [key, id] of advertised) {
        // quitting ends the app: checked on its own below
        if (id === 'quit') continue;
        let before = await screenOf(rig);
        if (!v.title.test(titleLine(before)) || /^[:/]/.test(text(before[before.length - 1]))) before = await open(v);
        await prepare(id);
        before = await settle();
        await press(key);
        const changed = await waitUntil(`${v.name} <${key}>`, async () => (await screenOf(rig)).join('\n') !== before.join('\n'), { timeoutMs: 3000, intervalMs: 20 }).then(() => true, () => false);
        if (!changed) silent.push(`<${key}> ${id}`);
        // back to the view: a dialog, a prompt or a pushed view closes on esc; a view switch reopens
        let now = await settle();
        if (!v.title.test(titleLine(now)) || /^[:/]/.test(text(now[now.length - 1]))) {
          await press('esc');
          now = await settle();
          if (!v.title.test(titleLine(now)) || /^[:/]/.test(text(now[now.length - 1]))) await open(v);
        }
      }
      expect(silent, `${v.name}: keys that did nothing and said nothing`).toEqual([]);
    }, 240_000);
  }

  it('q leaves a sub-view and quits at the top view', async () => {
    await open(VIEWS.find((v) => v.name === 'yaml')!);
    await press('q');
    await waitUntil('q goes back', async () => /^ deployments/.test(titleLine(await screenOf(rig))), { timeoutMs: WAIT_MS, intervalMs: 20 });
    await press('q');
    await rig.done;
  }, 60_000);
});
