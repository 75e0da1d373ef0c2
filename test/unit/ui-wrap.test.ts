// `w` in every text view and dialog, and the selected row of every table, at 80x24: long
// cluster text (an annotation, a condition message, an event, a log line, an outcome's API
// message, a long object name, an image, a context's last error) is cut at the screen's edge
// until `w`, and then every character of it is on the screen; `w` again cuts it again.
// Dialogs that take typed text (a protected confirmation, scale's replica count) show it whole
// from the start (`w` is typed there). The text holds wide characters, emoji and an escape
// sequence (shown as `\e]0;…\a`), and the log line arrives one byte per chunk.
import { afterEach, describe, expect, it } from 'vitest';
import { termLine } from '../../src/model/sanitize.js';
import type { KubeObject } from '../../src/model/types.js';
import { demoStore, type FakeStore } from '../helpers/fake-store.js';
import { NOW, start, stopAll, type Rig } from '../helpers/ui-rig.js';

afterEach(stopAll);

const WORDS = Array.from({ length: 64 }, (_, i) => (i % 8 === 3 ? `日本${i}` : i % 8 === 6 ? `😀${i}` : `w${String(i).padStart(2, '0')}`));
/** Free text far longer than a row, hostile in places. */
const LONG = `${WORDS.slice(0, 32).join(' ')} \x1b]0;PWNED\x07 ${WORDS.slice(32).join(' ')} end`;
const NAME = `longdep-${'abcdefghij-'.repeat(10)}end`;
const IMAGE = `registry.example.com/${'team/'.repeat(20)}app:1.2.3`;
const POD = `${NAME}-x1`;

function longStore(): FakeStore {
  const s = demoStore({ now: NOW });
  const at = new Date(NOW - 60_000).toISOString().replace(/\.\d+Z$/, 'Z');
  const dep: KubeObject = {
    apiVersion: 'apps/v1', kind: 'Deployment',
    metadata: { name: NAME, namespace: 'shop', uid: 'long-dep', creationTimestamp: at, generation: 1, labels: { app: 'longdep' }, annotations: { note: LONG } },
    spec: { replicas: 1, selector: { matchLabels: { app: 'longdep' } }, template: { metadata: { labels: { app: 'longdep' } }, spec: { containers: [{ name: 'app', image: IMAGE }] } } },
    status: { observedGeneration: 1, replicas: 1, updatedReplicas: 1, conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: LONG }] },
  };
  s.put('dev', 'deployments.apps', dep);
  s.put('dev', 'pods', {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name: POD, namespace: 'shop', uid: 'long-pod', creationTimestamp: at, labels: { app: 'longdep' }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `${NAME}-rs`, uid: 'long-rs' }] },
    spec: { containers: [{ name: 'app', image: IMAGE }] },
    status: { phase: 'Running', containerStatuses: [{ name: 'app', ready: true, restartCount: 0, state: { running: {} } }] },
  });
  s.put('dev', 'replicasets.apps', {
    apiVersion: 'apps/v1', kind: 'ReplicaSet',
    metadata: { name: `${NAME}-rs`, namespace: 'shop', uid: 'long-rs', creationTimestamp: at, labels: { app: 'longdep' },
      annotations: { 'deployment.kubernetes.io/revision': '1', 'kubernetes.io/change-cause': LONG },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: NAME, uid: 'long-dep', controller: true }] },
    spec: { replicas: 1, selector: { matchLabels: { app: 'longdep' } }, template: (dep.spec as { template: unknown }).template },
    status: { replicas: 1 },
  });
  s.put('dev', 'events', {
    apiVersion: 'v1', kind: 'Event', metadata: { name: `${NAME}.1`, namespace: 'shop', uid: 'long-ev', creationTimestamp: at },
    type: 'Warning', reason: 'LongStory', message: LONG, count: 1, lastTimestamp: at,
    involvedObject: { apiVersion: 'apps/v1', kind: 'Deployment', name: NAME, namespace: 'shop', uid: 'long-dep' },
  });
  const ks = s.get('dev', 'kustomizations.kustomize.toolkit.fluxcd.io', 'flux-system', 'apps')!;
  s.put('dev', 'kustomizations.kustomize.toolkit.fluxcd.io', { ...ks, status: { conditions: [{ type: 'Ready', status: 'False', reason: 'BuildFailed', message: LONG }] } });
  // the log line one byte per chunk: the UTF-8 of 日本 and 😀 split across chunks
  s.logs.set(`dev/shop/${POD}/app`, [...Buffer.from(`2026-11-20T09:59:00.000000001Z ${LONG}\n`)].map((b) => Uint8Array.of(b)));
  return s;
}

/** Whitespace left out: a row may end or start anywhere in the text. */
const squash = (s: string): string => s.replace(/\s+/g, '');

/** The text is on the screen, every character, reading the rows in order (each through `strip`). */
async function whole(r: Rig, text: string, strip: (row: string) => string = (x) => x): Promise<boolean> {
  const screen = await r.text();
  return squash(screen.split('\n').map(strip).join('')).includes(squash(termLine(text)));
}

/** Like whole, for text longer than the screen: from the top, one row down at a time (j), every row read once. */
async function wholeScrolling(r: Rig, text: string): Promise<boolean> {
  const body = (screen: string): string[] => screen.split('\n').slice(2, -2);
  const settle = async (before: string): Promise<string> => {
    for (let i = 0; i < 10; i++) {
      await new Promise((res) => setTimeout(res, 15));
      const now = await r.text();
      if (now !== before) return now;
    }
    return before;
  };
  let screen = await r.text();
  r.keys('g');
  screen = await settle(screen);
  const rows = body(screen);
  for (let i = 0; i < 80; i++) {
    r.keys('j');
    const next = await settle(screen);
    if (next === screen) break;
    screen = next;
    rows.push(body(screen).at(-1) ?? '');
  }
  return squash(rows.join('')).includes(squash(termLine(text)));
}

async function until(r: Rig, what: string, test: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 3000;
  while (!(await test())) {
    if (Date.now() > deadline) throw new Error(`waited for ${what}; screen:\n${await r.text()}`);
    await new Promise((res) => setTimeout(res, 20));
  }
}

interface Case {
  name: string;
  /** keys, each followed by what the screen shows once it acted */
  steps: [string, RegExp][];
  /** the long text to read whole */
  text: string;
  /** toggle: cut, then whole after `w`, cut after `w` again; typed: whole from the start (w is typed there) */
  wrap: 'toggle' | 'starts-wrapped' | 'typed';
  strip?: (row: string) => string;
  setup?(s: FakeStore): void;
  protectedPattern?: RegExp;
  /** keys sent after each `w` (to where the text is: the end of help) */
  again?: string;
  /** the text is longer than the screen: read it scrolling */
  scroll?: boolean;
  /** more to check on the screen showing the text whole */
  also?(screen: string): void;
}

const DEPLOY: [string, RegExp][] = [[':deploy\r', /longdep/], ['/longdep\r', /deployments \[1\/\d+\]/]];

const CASES: Case[] = [
  { name: 'describe (an annotation, a condition message, an event)', steps: [...DEPLOY, ['d', /^ describe deployment\//m]], text: LONG, wrap: 'toggle' },
  { name: 'yaml', steps: [...DEPLOY, ['y', /^ yaml deployment\//m]], text: LONG, wrap: 'toggle' },
  { name: 'compare', steps: [...DEPLOY, ['v', /^ compare /m]], text: IMAGE, wrap: 'toggle' },
  { name: 'trace', steps: [...DEPLOY, ['o', /^ trace /m]], text: NAME, wrap: 'toggle' },
  { name: 'help', steps: [[':help\r', /help \(/], ['G', /Health/]], again: 'G', text: 'type the name as the screen shows it, in any script (a control in a name is typed as its visible escape, e.g. \\e)', wrap: 'toggle' },
  {
    name: 'logs (each continuation row keeps its prefix)', steps: [...DEPLOY, ['l', /w00/]], text: LONG, wrap: 'toggle',
    strip: (row) => row.replace(/^dev\/longdep-\S*… /, ''),
    // the prefix (context/pod/container), cut to two thirds of the row, on every row of the line
    also: (screen) => {
      const body = screen.split('\n').slice(2, -2).filter((l) => l.trim() !== '');
      expect(body.length).toBeGreaterThan(4);
      for (const l of body) expect(l).toMatch(/^dev\/longdep-[a-j-]{30,}… \S/);
    },
  },
  {
    name: 'outcomes (the API message of a failed restart)', steps: [...DEPLOY, ['r', /<esc>(\/<n>)? cancel/], ['y', /✗ dev/], [':outcomes\r', /^ outcomes/m]], text: LONG, wrap: 'toggle',
    setup: (s) => void (s.failWrites = { status: 422, message: LONG }),
  },
  { name: 'confirm dialog', steps: [...DEPLOY, ['r', /<esc>(\/<n>)? cancel/]], text: NAME, wrap: 'starts-wrapped' },
  { name: 'confirm dialog, typed', steps: [...DEPLOY, ['r', /to confirm/]], text: NAME, wrap: 'typed', protectedPattern: /dev/ },
  { name: 'scale\'s question', steps: [...DEPLOY, ['s', /replicas:/]], text: NAME, wrap: 'typed' },
  { name: 'resource table: the selected row', steps: DEPLOY, text: NAME, wrap: 'toggle' },
  { name: 'tree: the selected node', steps: [...DEPLOY, ['t', /^ tree deployment\//m]], text: NAME, wrap: 'toggle' },
  { name: 'history: the selected revision', steps: [...DEPLOY, ['h', /^\*\s+1\s/m]], text: LONG, wrap: 'toggle' },
  { name: 'changes: the selected change', steps: [[':changes\r', /^ changes \[/m], ['/LongStory\r', /^ changes \[1\]/m]], text: LONG, wrap: 'toggle' },
  { name: 'events table: the selected row', steps: [[':events\r', /LongStory/], ['/LongStory\r', /events \[1\/\d+\]/]], text: LONG, wrap: 'toggle' },
  { name: 'flux table: the selected row', steps: [[':flux\r', /BuildFailed|w00/]], text: LONG, wrap: 'toggle' },
  {
    name: 'problems: the selected problem\'s reason', steps: [[':problems\r', /longdep/]], text: LONG, wrap: 'toggle',
  },
  {
    name: 'a row too long for under its table: a view of its own', steps: [[':events\r', /LongStory/], ['/LongStory\r', /events \[1\/\d+\]/], ['w', /^ row longdep-/m]],
    text: LONG.repeat(8), wrap: 'starts-wrapped', scroll: true,
    setup: (s) => s.put('dev', 'events', { ...s.get('dev', 'events', 'shop', `${NAME}.1`)!, message: LONG.repeat(8) }),
  },
  {
    name: 'fleet: the selected context', steps: [[':fleet\r', /unreachable/], ['j', /unreachable/]], text: LONG, wrap: 'toggle',
    setup: (s) => s.setContext('staging', 'unreachable', { lastError: LONG }),
  },
];

describe('w: long text read whole at 80x24', () => {
  for (const c of CASES) {
    it(c.name, async () => {
      const store = longStore();
      c.setup?.(store);
      const r = start({ cols: 80, rows: 24, store, startCommand: 'fleet', protectedPattern: c.protectedPattern });
      await r.waitFor(/CONTEXT/);
      for (const [key, shown] of c.steps) {
        r.keys(key);
        await r.waitFor(shown);
      }
      const isWhole = () => (c.scroll ? wholeScrolling(r, c.text) : whole(r, c.text, c.strip));
      const isCut = async () => !(await isWhole());
      if (c.wrap === 'typed') return until(r, 'the text whole', isWhole);
      const first = c.wrap === 'toggle' ? isCut : isWhole;
      const then = c.wrap === 'toggle' ? isWhole : isCut;
      await until(r, c.wrap === 'toggle' ? 'the text cut' : 'the text whole', first);
      r.keys('w');
      if (c.again) r.keys(c.again);
      await until(r, c.wrap === 'toggle' ? 'the text whole after w' : 'the text cut after w', then);
      if (c.also) c.also(await r.text());
      r.keys('w');
      if (c.again) r.keys(c.again);
      await until(r, 'the first state again after w', first);
    });
  }
});

describe('the footer\'s crumbs in a wide script', () => {
  it('are measured as drawn: a title with CJK is whole when it fits, the message after it', async () => {
    const store = demoStore({ now: NOW });
    store.put('dev', 'configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: '日本語-設定-cm', namespace: 'shop', uid: 'cjk-cm', creationTimestamp: new Date(NOW).toISOString() }, data: {} });
    const r = start({ cols: 80, rows: 24, store, startCommand: 'configmaps' });
    await r.waitFor(/日本語-設定-cm/);
    r.keys('d');
    const t = await r.waitFor(/^ describe configmap\//m);
    // 14 UTF-16 units but 22 columns: it was cut to its length, `configmap/日本語-設…`
    expect(t.split('\n').at(-1)).toContain(' configmaps › describe configmap/日本語-設定-cm ');
  });
});
