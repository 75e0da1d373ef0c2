// Seeded fuzz of cluster text on the built CLI in a pty: `fleetdeck demo --scenario hostile`
// serves objects whose annotations, labels, events, Flux messages and printer columns, and
// whose containers' log lines, carry escape sequences, controls, blessed tags, lone
// surrogates, invalid UTF-8, wide characters and very long runs (src/sim/scenarios/hostile.ts).
// Every view is visited; the terminal (xterm) must never see a sequence from the cluster: the
// title stays "fleetdeck", no OSC/DCS/APC/PM/SOS/C1/BEL reaches it, the hostile text shows as
// visible escapes, and table columns stay aligned. `fleetdeck logs` to a pty and to a pipe too.
// A second case gives objects hostile names (a Deployment and its ReplicaSets and Pods,
// ConfigMaps, a Certificate, a Kustomization, what an Event is about) and hostile condition
// reasons and messages, and visits Problems, Fleet, tree, history, compare, trace, a restart's
// confirm dialog, a confirmed restart's outcome (message line, :outcomes) and audit line,
// changes and pulses. The first case also checks describe's key/value, condition and event
// columns, and that every row of a wrapped log line keeps its prefix.
// Replay a failure with FLEETDECK_FUZZ_SEED=<seed> (each case's title names its seed);
// FLEETDECK_FUZZ_DUMP=1 prints the screens the second case checked. Run `npm run build` first.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { misaligned } from '../helpers/aligned.js';
import { run, sessionsOfFile, type Session } from './harness.js';

const CLI = resolve('dist/cli.js');
const SEED = Number(process.env.FLEETDECK_FUZZ_SEED ?? 16);
const STARTUP_MS = 60_000;
const WAIT_MS = 30_000;
const { track } = sessionsOfFile();
const children: { kill(sig: NodeJS.Signals): boolean }[] = [];

afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
});

const env = () => ({ XDG_STATE_HOME: mkdtempSync(join(tmpdir(), 'fd-state-')), XDG_CONFIG_HOME: mkdtempSync(join(tmpdir(), 'fd-config-')) });

/** What the program itself may send: blessed's own title, and nothing from the cluster. */
function assertNothingLeaked(s: Session): void {
  const out = s.output().split('\x1b]0;fleetdeck\x07').join('');
  expect(s.titles().every((t) => t === 'fleetdeck')).toBe(true);
  for (const [name, seq] of [['OSC', '\x1b]'], ['DCS', '\x1bP'], ['APC', '\x1b_'], ['PM', '\x1b^'], ['SOS', '\x1bX'], ['RIS', '\x1bc'], ['DSR', '\x1b[6n'], ['print', '\x1b[5i'], ['BEL', '\x07'], ['NUL', '\x00']] as const) {
    expect(out.includes(seq), `${name} reached the terminal`).toBe(false);
  }
  expect(/[\u0080-\u009f]/.test(out), 'a C1 control reached the terminal').toBe(false);
  expect(out.includes('\x1b[?1049l'), 'the alternate screen was left').toBe(false);
}

/** A whole frame: two equal snapshots 150 ms apart (a snapshot taken while a frame is being
 * written shows the new view's first rows over the old view's last ones). */
async function settled(s: Session): Promise<string[][]> {
  let cells = await s.cells();
  for (let i = 0; i < 40; i++) {
    await new Promise((r) => setTimeout(r, 150));
    const next = await s.cells();
    const same = next.map((r) => r.join('')).join('\n') === cells.map((r) => r.join('')).join('\n');
    cells = next;
    if (same) break;
  }
  return cells;
}

/** Table alignment on the screen (test/helpers/aligned.ts): every row keeps every column's boundary. */
async function assertAligned(s: Session, header: RegExp, end?: RegExp): Promise<void> {
  const cells = await settled(s);
  const why = misaligned(cells, header, end);
  expect(why, why).toBeUndefined();
}

/**
 * describe's key/value columns: in the block of fields from `Name:` to the first section
 * (`Spec:`), every value — a field's, or a map's next `key=value` under it — starts in one
 * column, counted in cells (a wide character is two).
 */
async function assertDescribeAligned(s: Session): Promise<void> {
  const cells = await settled(s);
  const rows = cells.map((r) => r.map((c) => c || '\u0000').join(''));
  const from = rows.findIndex((r) => r.startsWith('Name:'));
  expect(from, rows.join('\n')).toBeGreaterThan(0);
  const starts: number[] = [];
  for (let y = from; y < rows.length - 2 && !/^\S[^:]*:\s*$/.test(rows[y]); y++) {
    const r = rows[y];
    // a label's row: the value after `Label:` and its padding; a map's next value: after the blank margin
    starts.push(/^\S/.test(r) ? (/^[A-Z][A-Za-z ]*:\s+/.exec(r)?.[0].length ?? -1) : r.search(/\S/));
  }
  expect(new Set(starts).size, `describe's values in ${[...new Set(starts)].join(', ')}:\n${rows.join('\n')}`).toBe(1);
}

async function view(s: Session, command: string, title: RegExp, ready: RegExp): Promise<string> {
  s.type(`:${command}`);
  s.press('enter');
  return s.waitFor((x) => title.test(x) && ready.test(x), WAIT_MS);
}

describe('hostile cluster text in the TUI', () => {
  it(`no view lets a control through; titles unchanged; tables aligned (seed ${SEED})`, async () => {
    const s = run(process.execPath, [CLI, 'demo', '--scenario', 'hostile', '--seed', String(SEED)], { env: env(), cols: 160, rows: 40 });
    track(s);
    await s.waitFor(/CONTEXT\s+STATE/, STARTUP_MS);
    // tables whose cells hold hostile text, each followed by other columns
    for (const [cmd, title, header, marker] of [
      ['events', /^ events \[\d+\+?\]/m, /^CONTEXT\s+NAMESPACE\s+/, /\\e|\\x|\\a|\\0|\{|日本|中文|😀|ｆ/],
      ['ks', /^ kustomizations \[\d+\+?\]/m, /^CONTEXT\s+NAMESPACE\s+NAME/, /\\e|\\a|\{|日本|😀|long-/],
      ['certificates', /^ certificates \[\d+\+?\]/m, /^CONTEXT\s+NAMESPACE\s+NAME/, /shop-tls/],
      ['pods', /^ pods \[\d+\+?\]/m, /^CONTEXT\s+NAMESPACE\s+NAME/, /Running/],
      ['flux', /^ flux \[\d+\+?\]/m, /^KIND\s+CONTEXT/, /apps/],
    ] as const) {
      s.type(`:${cmd}`);
      s.press('enter');
      await s.waitFor((x) => title.test(x) && marker.test(x) && x.split('\n').some((l) => header.test(l)), WAIT_MS);
      await assertAligned(s, header);
      assertNothingLeaked(s);
    }
    // the printer column holding a hostile issuer, wide (ctrl-w): cut, never misaligned
    await view(s, 'certificates', /^ certificates \[\d+\+?\]/m, /shop-tls/);
    s.press('ctrl-w');
    const wide = await s.waitFor(/ISSUER/, WAIT_MS);
    await assertAligned(s, /^CONTEXT\s+NAMESPACE\s+NAME/);
    expect(wide).toMatch(/letsencrypt-/);
    assertNothingLeaked(s);
    // describe and YAML of an object with hostile annotations; its events
    await view(s, 'deploy', /^ deployments \[\d+\+?\]/m, /cart-api/);
    const deployments = (x: string): boolean => /^ deployments \[\d+\+?\]/m.test(x);
    s.press('d');
    let t = await s.waitFor((x) => /^ describe deployment\//m.test(x) && x.includes('hostile.example'), WAIT_MS);
    expect(t).toMatch(/\\e|\\a|\\x|\{bold\}|\{red-fg\}|日本|😀|\\u202e/);
    assertNothingLeaked(s);
    // its key/value columns, its conditions' and its (hostile) events' columns
    await assertDescribeAligned(s);
    await assertAligned(s, /^\s+Type\s+Status\s+Reason\s+Message/, /^\S/);
    s.press('G');
    await s.waitFor(/^\s+Type\s+Reason\s+Age\s+Count\s+Message/m, WAIT_MS);
    await assertAligned(s, /^\s+Type\s+Reason\s+Age\s+Count\s+Message/, /^\S/);
    s.press('g');
    // w folds the long annotation onto the rows below, never past the edge
    s.press('w');
    t = await s.waitFor((x) => x.includes('[wrap]') || (x.match(/long-long/g) ?? []).length > 1 || !x.includes('long-'), WAIT_MS);
    s.press('esc');
    await s.waitFor(deployments, WAIT_MS);
    s.press('y');
    t = await s.waitFor((x) => /^ yaml deployment\//m.test(x) && x.includes('hostile.example'), WAIT_MS);
    s.press('esc');
    await s.waitFor(deployments, WAIT_MS);
    assertNothingLeaked(s);
    // the merged logs of a workload: every line hostile, a third not valid UTF-8
    s.press('l');
    t = await s.waitFor((x) => (x.match(/hostile#\d+/g) ?? []).length >= 5, WAIT_MS);
    expect(t).toMatch(/\\e|\\a|\\r|\\x/);
    expect(t).toContain('\ufffd');
    // no line is pushed onto an extra row: every row that is not blank starts with a prefix
    const body = t.split('\n').slice(2, -2).filter((l) => l.trim() !== '');
    for (const l of body) expect(l, `a log row without its prefix:\n${t}`).toMatch(/^(dev|staging|prod-eu)\/\S+/);
    assertNothingLeaked(s);
    // wrapped (w): every continuation row of a long line keeps its prefix too
    s.press('w');
    // (a row that continues a line: its text after the prefix is not a line's start, `hostile#N`)
    t = await s.waitFor((x) => /\| wrap\]/.test(x) && x.split('\n').slice(2, -2).some((l) => /^\S+ (?!hostile#)\S/.test(l)), WAIT_MS);
    const wrapped = t.split('\n').slice(2, -2).filter((l) => l.trim() !== '');
    for (const l of wrapped) expect(l, `a wrapped log row without its prefix:\n${t}`).toMatch(/^(dev|staging|prod-eu)\/\S+ /);
    assertNothingLeaked(s);
    s.press('esc');
    await s.waitFor(deployments, WAIT_MS);
    // help's first screen: its key sections (the `:` commands come further down)
    await view(s, 'help', /^ help/m, /^Views\s*$/m);
    assertNothingLeaked(s);
  }, 240_000);
});

// Names of objects (a Deployment and, through it, its ReplicaSets and Pods; ConfigMaps; a
// Certificate; a suspended Kustomization; the kind, namespace and name an Event is about) and
// status text no controller rewrites (condition reasons and messages) are hostile too
// (src/sim/scenarios/hostile.ts: hostileObjects, all prefixed hx- so the filter finds them). The
// views the first case does not visit: Problems, Fleet, tree, history, compare, trace, an
// action's confirm dialog (its plan names the object), changes, pulses.
describe('hostile names and status text in every other view', () => {
  it(`no view lets a control through; titles unchanged; tables aligned (seed ${SEED})`, async () => {
    const dirs = env();
    const s = run(process.execPath, [CLI, 'demo', '--scenario', 'hostile', '--seed', String(SEED)], { env: dirs, cols: 160, rows: 40 });
    track(s);
    await s.waitFor(/CONTEXT\s+STATE/, STARTUP_MS);
    await assertAligned(s, /^CONTEXT\s+STATE/);
    assertNothingLeaked(s);
    const seen: string[] = [];
    const check = async (header?: RegExp): Promise<void> => {
      seen.push(await s.screenText());
      if (header) await assertAligned(s, header);
      assertNothingLeaked(s);
    };
    const escapes = /\\e|\\x|\\a|\\r|\\t|\\b|\\0|\{bold\}|\{red-fg\}|\{\/\}|日本|😀|\\u202e/;
    // Problems: the unmanaged Certificate's hostile Ready reason, under its hostile name
    await view(s, 'problems', /^ problems \[/m, /hx-cert-/);
    await check(/^CONTEXT\s+KIND\s+NAMESPACE\s+NAME/);
    // tables of hostile names, narrowed by the filter to them
    for (const [cmd, title, header] of [
      ['configmaps', /^ configmaps \[/m, /^CONTEXT\s+NAMESPACE\s+NAME/],
      ['events', /^ events \[/m, /^CONTEXT\s+NAMESPACE\s+/],
      ['certificates', /^ certificates \[/m, /^CONTEXT\s+NAMESPACE\s+NAME/],
      ['ks', /^ kustomizations \[/m, /^CONTEXT\s+NAMESPACE\s+NAME/],
      ['flux', /^ flux \[/m, /^KIND\s+CONTEXT/],
    ] as const) {
      await view(s, cmd, title, /\S/);
      s.type('/hx');
      s.press('enter');
      await s.waitFor((x) => /\[\d+\/\d+\+?\]/.test(x) && /hx-|Hx/.test(x), WAIT_MS);
      await check(header);
    }
    // the hostile Deployment: tree, history, compare, trace, a restart's confirm dialog
    await view(s, 'deploy', /^ deployments \[/m, /\S/);
    s.type('/hx-');
    s.press('enter');
    await s.waitFor((x) => /deployments \[\d+\/\d+\+?\]/.test(x) && /^\S+\s+checkout\s+hx-/m.test(x), WAIT_MS);
    await check(/^CONTEXT\s+NAMESPACE\s+NAME/);
    const deployments = (x: string): boolean => /^ deployments \[/m.test(x);
    for (const [key, opened, header] of [
      ['t', (x: string) => /^ tree deployment\/hx-/m.test(x) && /ReplicaSet/.test(x) && /Pod/.test(x), undefined],
      ['h', (x: string) => /^ history deployment\/hx-/m.test(x) && /^\s*\S?\s+REVISION/m.test(x) && /^\s*\*?\s+2\s/m.test(x), /REVISION\s+AGE/],
      ['v', (x: string) => /^ compare /m.test(x) && /FIELD/.test(x), undefined],
      ['o', (x: string) => /^ trace /m.test(x) && /hx-/.test(x), undefined],
      ['r', (x: string) => /^ confirm rollout restart/m.test(x) && /<esc>(\/<n>)? cancel/.test(x) && /hx-/.test(x), undefined],
    ] as const) {
      s.press(key);
      await s.waitFor(opened, WAIT_MS);
      await check(header);
      s.press('esc');
      await s.waitFor(deployments, WAIT_MS);
    }
    // nothing was restarted: the dialog was cancelled
    expect(await s.screenText()).not.toMatch(/restart(ed)? .*(done|applied)/i);
    // an action on it, confirmed: its outcome on the message line and in :outcomes, its audit line
    await view(s, 'deploy dev', /^ deployments \[/m, /ctx:dev/);
    s.type('/hx-');
    s.press('enter');
    await s.waitFor((x) => /deployments \[1\/\d+\+?\]/.test(x) && /checkout\s+hx-/.test(x), WAIT_MS);
    s.press('r');
    await s.waitFor((x) => /^ confirm rollout restart/m.test(x) && /hx-/.test(x), WAIT_MS);
    s.press('y');
    await s.waitFor(/✓ dev \/ checkout \/ Deployment hx-/, WAIT_MS);
    await check();
    await view(s, 'outcomes', /^ outcomes/m, /✓ dev \/ checkout \/ Deployment hx-/);
    await check();
    const audit = readFileSync(join(dirs.XDG_STATE_HOME, 'fleetdeck', 'audit.log'), 'utf8').split('\n').filter(Boolean);
    expect(audit.length).toBeGreaterThan(0);
    for (const line of audit) {
      // `cat audit.log` on a terminal: every control of the name escaped in the JSON
      expect(/[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/.test(line), line).toBe(false);
      expect((JSON.parse(line) as { object: { name: string } }).object.name).toMatch(/^hx-/);
    }
    await view(s, 'changes', /^ changes \[\d+/m, /AGE\s+TIME\s+CONTEXT/);
    await check(/^\S*\s*AGE\s+TIME\s+CONTEXT/);
    await view(s, 'pulses', /^ pulses \[/m, /events\/s/);
    await check();
    // the hostile text was shown, visibly
    // FLEETDECK_FUZZ_DUMP=1 prints every screen checked (what the hostile text looked like)
    if (process.env.FLEETDECK_FUZZ_DUMP) console.log(seen.join('\n=====\n'));
    expect(seen.join('\n')).toMatch(escapes);
  }, 120_000);
});

describe('hostile log lines on the command line', () => {
  async function hostileSim(): Promise<string> {
    const dir = mkdtempSync(join(tmpdir(), 'fd-hostile-'));
    const kc = join(dir, 'kubeconfig');
    const child = spawn(process.execPath, [CLI, 'sim', '--scenario', 'hostile', '--seed', String(SEED), '--kubeconfig-out', kc], { stdio: 'ignore' });
    children.push(child);
    for (let i = 0; i < 600 && !existsSync(kc); i++) await new Promise((r) => setTimeout(r, 100));
    expect(existsSync(kc)).toBe(true);
    return kc;
  }

  // status, tree, trace, compare, changes, an action's plan (--dry-run) and its outcome, on a
  // terminal: every one shows the hostile names and texts visibly and sends nothing to act on
  it('every command\'s human output on a terminal shows hostile text visibly and changes nothing', async () => {
    const kc = await hostileSim();
    const names = JSON.parse(execFileSync('kubectl', ['--kubeconfig', kc, '--context', 'dev', 'get', 'deploy', '-n', 'checkout', '-o', 'json'], { encoding: 'utf8' })) as { items: { metadata: { name: string } }[] };
    // a name a command line can carry (argv has no NUL)
    const name = names.items.map((i) => i.metadata.name).find((n) => n.startsWith('hx-') && !n.includes('\0'));
    expect(name).toBeDefined();
    const target = `deploy/${name}`;
    // a ConfigMap whose owner's kind is hostile text
    const cms = JSON.parse(execFileSync('kubectl', ['--kubeconfig', kc, '--context', 'dev', 'get', 'cm', '-n', 'checkout', '-o', 'json'], { encoding: 'utf8' })) as { items: { metadata: { name: string; ownerReferences?: unknown[] } }[] };
    const owned = cms.items.find((i) => i.metadata.ownerReferences?.length && i.metadata.name.startsWith('hx-cm0-') && !i.metadata.name.includes('\0'))?.metadata.name;
    const seen: string[] = [];
    for (const args of [
      ['status', '--all-contexts'],
      ['tree', target, '-n', 'checkout', '--context', 'dev'],
      ['trace', target, '-n', 'checkout', '--context', 'dev'],
      ...(owned ? [['trace', `cm/${owned}`, '-n', 'checkout', '--context', 'dev'], ['tree', `cm/${owned}`, '-n', 'checkout', '--context', 'dev']] : []),
      ['compare', target, '-n', 'checkout', '--all-contexts'],
      ['changes', '--since', '1h', '--all-contexts'],
      ['restart', target, '-n', 'checkout', '--context', 'dev', '--dry-run'],
      ['restart', target, '-n', 'checkout', '--context', 'dev', '--yes'],
    ]) {
      // status on a terminal wide enough that no row wraps (its alignment is read from the screen)
      const s = run(process.execPath, [CLI, ...args, '--kubeconfig', kc], { env: env(), cols: args[0] === 'status' ? 2000 : 200, rows: 60 });
      track(s);
      const code = await s.exit(STARTUP_MS);
      expect(code, `${args.join(' ')}:\n${s.output()}`).toBeLessThan(2);
      assertNothingLeaked(s);
      seen.push(s.output());
      // status's tables: names in any script (한국어, 中文, emoji) measured as the terminal draws them
      if (args[0] === 'status') {
        const cells = await s.cells();
        for (const header of [/^CONTEXT\s+STATE\s+LATENCY/, /^SEVERITY\s+CONTEXT\s+KIND/]) {
          const why = misaligned(cells, header);
          expect(why, why).toBeUndefined();
        }
      }
    }
    expect(seen.join('\n')).toMatch(/\\e\[41m|\\e\]|\\x[0-9a-f]{2}|\\a/);
    // the owner's kind, as its visible escapes (trace printed it raw)
    // (a name holding NUL cannot be passed on a command line: then that ConfigMap is not traced)
    if (!cms.items.some((i) => i.metadata.name.startsWith('hx-cm0-') && !i.metadata.name.includes('\0'))) return;
    expect(seen.join('\n')).toContain('Hx\\e]0;PWNED-KIND\\a{bold}日本\\x9b2J');
    // the action was applied: its outcome line names the hostile object as shown
    expect(seen.at(-1), seen.at(-1)).toMatch(/dev \/ checkout \/ Deployment hx-\S*.*succeeded/);
  }, 180_000);

  it('fleetdeck logs to a terminal shows hostile lines visibly and changes nothing', async () => {
    const kc = await hostileSim();
    const s = run(process.execPath, [CLI, 'logs', 'deploy/cart-api', '-n', 'checkout', '--kubeconfig', kc, '--context', 'dev'], { env: env(), cols: 120, rows: 40 });
    track(s);
    const t = await s.waitFor((x) => (x.match(/hostile#\d+/g) ?? []).length >= 8, STARTUP_MS);
    expect(t).toMatch(/\\e\]|\\e\[|\\a|\\r/);
    expect(t).toContain('\ufffd');
    assertNothingLeaked(s);
    // every printed line starts with its prefix: no \r or \n from a line made a row of its own
    // (lines still arrive as the output is read: the text after the last newline may be a part of one)
    const lines = s.output().split('\n').slice(0, -1).filter((l) => l.trim() !== '');
    for (const l of lines) expect(l.replace(/\x1b\[[0-9;]*m/g, '')).toMatch(/^dev\/cart-api-\S+\/cart-api |^fleetdeck logs:/);
  }, 180_000);

  // `fleetdeck logs … | head -1`: the reader goes away while lines keep coming. kubectl dies of
  // SIGPIPE (141, nothing on stderr); fleetdeck crashed with an unhandled EPIPE trace
  it('a reader that goes away ends the command quietly with 141, as kubectl', async () => {
    const kc = await hostileSim();
    const firstLineThenClose = (cmd: string, args: string[]) =>
      // the exit status a shell reports: a death by SIGPIPE is 128 + 13
      new Promise<{ code: number | null; stderr: string }>((res) => {
        const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
        children.push(child);
        let stderr = '';
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        child.stdout.once('data', () => child.stdout.destroy());
        child.on('close', (code, signal) => res({ code: code ?? (signal === 'SIGPIPE' ? 141 : null), stderr }));
      });
    const ours = await firstLineThenClose(process.execPath, [CLI, 'logs', 'deploy/cart-api', '-n', 'checkout', '--kubeconfig', kc, '--context', 'dev']);
    const theirs = await firstLineThenClose('kubectl', ['--kubeconfig', kc, '--context', 'dev', 'logs', '-f', 'deploy/cart-api', '-n', 'checkout']);
    expect(theirs.code).toBe(141);
    expect(ours).toEqual({ code: 141, stderr: '' });
  }, 180_000);

  it('-o raw to a pipe keeps the bytes as they came; -o json escapes them', async () => {
    const kc = await hostileSim();
    const collect = (args: string[]) =>
      new Promise<Buffer>((res) => {
        const child = spawn(process.execPath, [CLI, 'logs', 'deploy/cart-api', '-n', 'checkout', '--kubeconfig', kc, '--context', 'dev', '--tail', '30', ...args], { stdio: ['ignore', 'pipe', 'ignore'] });
        children.push(child);
        const chunks: Buffer[] = [];
        child.stdout.on('data', (d: Buffer) => {
          chunks.push(d);
          if (Buffer.concat(chunks).toString('latin1').split('\n').length > 20) child.kill('SIGINT');
        });
        child.on('close', () => res(Buffer.concat(chunks)));
      });
    const raw = await collect([]);
    // bytes no UTF-8 encoder writes: the container's invalid sequences, passed through
    expect([0xff, 0xc0].some((b) => raw.includes(b)) || raw.includes(Buffer.from([0xed, 0xa0, 0x80])) || raw.includes(Buffer.from([0xe2, 0x82, 0x20]))).toBe(true);
    expect(raw.includes(0x1b)).toBe(true);
    const json = (await collect(['-o', 'json'])).toString('utf8');
    expect(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/.test(json)).toBe(false);
    const lines = json.split('\n').filter((l) => l.startsWith('{'));
    expect(lines.length).toBeGreaterThan(5);
    for (const l of lines) expect(typeof JSON.parse(l).message).toBe('string');
    expect(lines.some((l) => (JSON.parse(l).message as string).includes('\x1b'))).toBe(true);
  }, 180_000);
});
