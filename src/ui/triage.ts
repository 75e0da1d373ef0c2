// The TUI's triage tools: a shell in a container (the terminal handed over and taken back
// intact, resize included), port-forwards with their list, edit in $EDITOR, and copy to
// the clipboard over OSC 52. Each goes through the action executor: a session plan for
// exec and port-forward (read-only refuses, protected contexts show the plan and need the
// name typed, the audit records the command), a PUT plan for edit shown as its diff.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Widgets } from 'blessed';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import type { Executor } from '../actions/executor.js';
import { editConflict } from '../actions/triage.js';
import type { Plan, Target } from '../actions/types.js';
import type { FleetStore } from '../fleet/types.js';
import { openExec } from '../kube/exec.js';
import { listenText, startPortForward, type PortForward } from '../kube/portforward.js';
import { arr, num, str } from '../model/access.js';
import { termText } from '../model/sanitize.js';
import type { KubeObject } from '../model/types.js';
import { command, type CommandId } from '../commands/table.js';
import { keysOf } from './chrome.js';
import { ConfirmView, InputView } from './views/confirm.js';
import { escapeTags } from './style.js';
import { NO_NAMESPACE, type AppContext, type View, type ViewScope } from './view.js';
import { renderTable, type TableState } from './widgets/table.js';

export interface Forward {
  id: number;
  context: string;
  namespace: string;
  pod: string;
  fwd: PortForward;
  startedAt: number;
}

export interface Triage {
  /** a shell in a pod's container: picks the container first when there are several; `picked`: the plan's words on the pod a workload gave */
  shell(t: Target, picked?: string): void;
  /** asks for the ports, then forwards; the forwards view lists them; `picked` as for shell */
  portForward(t: Target, picked?: string): void;
  forwards(): Forward[];
  stopForward(id: number): Promise<void>;
  /** fetches, opens $EDITOR, plans the PUT (the diff), confirms, applies; a conflict offers a re-edit */
  edit(t: Target): void;
  /** copies text to the terminal's clipboard (OSC 52) */
  copy(what: string, text: string): void;
  close(): Promise<void>;
}

export interface TriageDeps {
  app: AppContext;
  screen: Widgets.Screen;
  executor: Executor;
  store: FleetStore;
  /** removes `view` from the stack wherever it is */
  dismiss(view: View): void;
  env?: NodeJS.ProcessEnv;
}

/** OSC 52 "set clipboard" for `text` (base64), as terminals, tmux and SSH pass it on. */
export function osc52(text: string): string {
  return `\u001b]52;c;${Buffer.from(text, 'utf8').toString('base64')}\u0007`;
}

const SHELL_COMMAND = ['sh', '-c', 'command -v bash >/dev/null 2>&1 && exec bash || exec sh'];

/** Containers of a pod that can take an exec: running main, init (sidecar) and ephemeral ones. */
export function execContainers(pod: KubeObject): string[] {
  const statuses = [...arr(pod, 'status', 'containerStatuses'), ...arr(pod, 'status', 'initContainerStatuses'), ...arr(pod, 'status', 'ephemeralContainerStatuses')];
  const running = new Set(statuses.filter((s) => (s as { state?: { running?: unknown } }).state?.running).map((s) => str(s, 'name') ?? ''));
  const all = [...arr(pod, 'spec', 'containers'), ...arr(pod, 'spec', 'initContainers'), ...arr(pod, 'spec', 'ephemeralContainers')].map((c) => str(c, 'name') ?? '');
  const live = all.filter((n) => running.has(n));
  return live.length ? live : arr(pod, 'spec', 'containers').map((c) => str(c, 'name') ?? '');
}

/** A list of choices (containers): enter picks, esc cancels. */
export class ChoiceView implements View {
  readonly actions: readonly CommandId[] = ['open', 'back', 'up', 'down'];
  private readonly state: TableState = { selected: 0, top: 0 };
  constructor(
    private readonly app: AppContext,
    private readonly heading: string,
    private readonly items: string[],
    private readonly done: (item: string | undefined) => void,
  ) {}
  title(): string {
    return this.heading;
  }
  takeKey(k: string): boolean {
    if (k === 'esc') this.done(undefined);
    else if (k === 'enter') this.done(this.items[this.state.selected]);
    else if (k === 'up' || k === 'k') this.state.selected = Math.max(0, this.state.selected - 1);
    else if (k === 'down' || k === 'j') this.state.selected = Math.min(this.items.length - 1, this.state.selected + 1);
    else return false;
    return true;
  }
  handle(): boolean {
    return false;
  }
  render(width: number, height: number): string[] {
    return renderTable({ columns: [{ header: this.heading.toUpperCase(), value: (i: string) => i }], rows: this.items, width, height, state: this.state, theme: this.app.theme });
  }
}

/** Active port-forwards: bytes each way, connections; `ctrl-d` stops the selected one. */
export class ForwardsView implements View {
  readonly actions: readonly CommandId[] = ['workload.delete', 'back', 'up', 'down'];
  private readonly state: TableState = { selected: 0, top: 0 };
  private readonly off: () => void;
  constructor(
    private readonly app: AppContext,
    private readonly triage: Triage,
  ) {
    const offs = triage.forwards().map((f) => f.fwd.onChange(() => app.render()));
    this.off = () => offs.forEach((o) => o());
  }
  title(): string {
    return 'port-forwards';
  }
  /** every forward, whatever the namespace scope: the header names none */
  scope(): ViewScope {
    return NO_NAMESPACE;
  }
  status(): string {
    return `[${this.triage.forwards().length}]`;
  }
  handle(action: CommandId): boolean {
    const list = this.triage.forwards();
    if (action === 'up') this.state.selected = Math.max(0, this.state.selected - 1);
    else if (action === 'down') this.state.selected = Math.min(Math.max(0, list.length - 1), this.state.selected + 1);
    else if (action === 'workload.delete') {
      const f = list[this.state.selected];
      if (!f) this.app.message('no port-forward to stop', 'error');
      else void this.triage.stopForward(f.id).then(() => this.app.message(`stopped forwarding ${listenText(f.fwd)}`));
    } else return false;
    return true;
  }
  render(width: number, height: number): string[] {
    const rows = this.triage.forwards();
    // the keys and the label as the footer and help say them (the command table)
    const keyed = (id: CommandId): string => `<${keysOf(this.app.keymap, id)}> ${command(id).title}`;
    if (rows.length === 0) return [escapeTags(`no port-forwards: <${keysOf(this.app.keymap, 'pod.port-forward')}> on a pod (or a workload/service row) starts one`)];
    const bytes = (n: number) => (n < 1024 ? `${n}B` : n < 1024 ** 2 ? `${(n / 1024).toFixed(1)}K` : `${(n / 1024 ** 2).toFixed(1)}M`);
    return [
      ...renderTable({
        columns: [
          { header: 'CONTEXT', value: (f: Forward) => f.context },
          { header: 'POD', value: (f: Forward) => `${f.namespace}/${f.pod}` },
          { header: 'LOCAL', value: (f: Forward) => listenText(f.fwd) },
          { header: 'REMOTE', value: (f: Forward) => String(f.fwd.target.port) },
          { header: 'CONNS', value: (f: Forward) => `${f.fwd.stats().active}/${f.fwd.stats().connections}`, align: 'right' },
          { header: 'SENT', value: (f: Forward) => bytes(f.fwd.stats().bytesOut), align: 'right' },
          { header: 'RECEIVED', value: (f: Forward) => bytes(f.fwd.stats().bytesIn), align: 'right' },
          { header: 'LAST ERROR', value: (f: Forward) => f.fwd.stats().lastError ?? '' },
        ],
        rows,
        width,
        height: height - 1,
        state: this.state,
        theme: this.app.theme,
      }),
      escapeTags(`${keyed('workload.delete')} (stops the selected port-forward)  ${keyed('back')}`),
    ];
  }
  close(): void {
    this.off();
  }
}

export function createTriage(deps: TriageDeps): Triage {
  const { app, screen, executor, store } = deps;
  const env = deps.env ?? process.env;
  const forwards: Forward[] = [];
  let nextId = 1;

  const socketFor = (context: string) => {
    const open = store.openWebSocket;
    if (!open) throw new Error('this store cannot open WebSockets');
    return { openWebSocket: (...a: Parameters<NonNullable<FleetStore['openWebSocket']>> extends [string, ...infer R] ? R : never) => open.call(store, context, ...a) };
  };

  /** Shows the plan and asks for the typed name on protected contexts; otherwise goes on at once. */
  function gate(plan: Plan, go: (typed?: string) => void): void {
    const refused = plan.targets.find((t) => t.refused);
    if (refused) return app.message(refused.refused!, 'error');
    if (!plan.protected) return go();
    const dialog: ConfirmView = new ConfirmView(app, plan, {
      confirm: (typed) => {
        deps.dismiss(dialog);
        go(typed);
      },
      cancel: () => {
        deps.dismiss(dialog);
        app.message(`${plan.label} cancelled`);
      },
    });
    app.push(dialog);
  }

  /** Hands the terminal to `run` (blessed stops drawing and reading) and takes it back after. */
  async function handOver(banner: string, run: (io: { write(b: Buffer | string): void; onInput(fn: (b: Buffer) => void): void; onResize(fn: (cols: number, rows: number) => void): void; size(): { cols: number; rows: number } }) => Promise<void>): Promise<void> {
    const program = screen.program as unknown as {
      input: NodeJS.ReadStream; output: NodeJS.WriteStream & { write: (...a: unknown[]) => boolean };
      normalBuffer(): void; alternateBuffer(): void; showCursor(): void; hideCursor(): void;
      lsaveCursor(k: string): void; lrestoreCursor(k: string, hide?: boolean): void;
      mouseEnabled?: boolean; disableMouse(): void; enableMouse(): void; cols: number; rows: number;
    };
    const input = program.input;
    const output = program.output;
    const write = output.write;
    const dataListeners = input.listeners('data') as ((b: Buffer) => void)[];
    const mouse = program.mouseEnabled;
    program.lsaveCursor('triage');
    program.normalBuffer();
    program.showCursor();
    if (mouse) program.disableMouse();
    // blessed stops reading (its key parser sees nothing) and stops drawing
    for (const l of dataListeners) input.off('data', l);
    const realWrite = write.bind(output);
    output.write = (() => true) as typeof output.write;
    // a clean screen with the banner on top (the normal buffer still holds what was there before)
    realWrite(`\u001b[H\u001b[2J${termText(banner)}\r\n`);
    const inputs: ((b: Buffer) => void)[] = [];
    const resizes: ((c: number, r: number) => void)[] = [];
    // keys typed before the session is connected are kept for it, not lost
    const early: Buffer[] = [];
    const onData = (b: Buffer) => (inputs.length ? inputs.forEach((f) => f(b)) : early.push(b));
    const onResize = () => resizes.forEach((f) => f(output.columns ?? program.cols, output.rows ?? program.rows));
    input.on('data', onData);
    output.on('resize', onResize);
    input.resume();
    try {
      await run({
        write: (b) => realWrite(b),
        onInput: (fn) => {
          inputs.push(fn);
          for (const b of early.splice(0)) fn(b);
        },
        onResize: (fn) => resizes.push(fn),
        size: () => ({ cols: output.columns ?? program.cols, rows: output.rows ?? program.rows }),
      });
    } finally {
      input.off('data', onData);
      output.off('resize', onResize);
      for (const l of dataListeners) input.on('data', l);
      output.write = write;
      program.alternateBuffer();
      if (mouse) program.enableMouse();
      const s = screen as unknown as { alloc(): void; render(): void };
      s.alloc();
      program.lrestoreCursor('triage', true);
      program.hideCursor();
      s.render();
      app.render();
    }
  }

  function openShell(t: Target, container: string, picked?: string): void {
    const plan = executor.plan('exec', [t], { exec: { container, command: SHELL_COMMAND, stdin: true, tty: true, picked } });
    gate(plan, (typed) => {
      void handOver(`fleetdeck: shell in ${t.context} ${t.namespace}/${t.name} (${container}); exit the shell to come back`, async (io) => {
        let done: Promise<unknown> = Promise.resolve();
        try {
          const session = await executor.session(plan, { typed }, () =>
            openExec(socketFor(t.context), { namespace: t.namespace ?? '', pod: t.name, container, command: SHELL_COMMAND, stdin: true, tty: true }, { stdout: (b) => io.write(b), stderr: (b) => io.write(b) }),
          );
          const { cols, rows } = io.size();
          session.resize(cols, rows);
          io.onResize((c, r) => session.resize(c, r));
          io.onInput((b) => session.write(b));
          done = session.done.then((res) => {
            if (res.exitCode !== undefined && res.exitCode !== 0) app.message(`shell in ${t.name} ended with exit code ${res.exitCode}`, 'error');
            else if (res.exitCode === undefined) app.message(`shell in ${t.name}: ${res.message ?? 'ended'}`, 'error');
            else app.message(`shell in ${t.name} ended`);
          });
        } catch (e) {
          app.message(`shell in ${t.name}: ${(e as Error).message}`, 'error');
        }
        await done;
      });
    });
  }

  function firstPort(pod: KubeObject): number | undefined {
    for (const c of arr(pod, 'spec', 'containers')) for (const p of arr(c, 'ports')) return num(p, 'containerPort');
    return undefined;
  }

  async function stopForward(id: number): Promise<void> {
    const i = forwards.findIndex((f) => f.id === id);
    if (i < 0) return;
    const [f] = forwards.splice(i, 1);
    await f.fwd.stop();
    app.render();
  }

  function doEdit(t: Target, base?: KubeObject, draft?: string): void {
    void (async () => {
      let original = base;
      if (!original) {
        try {
          const res = await store.request(t.context, { method: 'GET', path: objectApiPath(t) });
          original = res.body as KubeObject;
        } catch (e) {
          return app.message(`edit ${t.name}: ${(e as Error).message}`, 'error');
        }
      }
      const text = draft ?? editableYaml(original);
      const edited = await runEditor(text);
      if (edited === undefined) return;
      let obj: KubeObject;
      try {
        obj = parseYaml(edited.replace(/^#.*\n/gm, '')) as KubeObject;
      } catch (e) {
        app.message(`edit ${t.name}: the YAML does not parse: ${(e as Error).message}`, 'error');
        return doEdit(t, original, edited);
      }
      const plan = executor.plan('edit', [{ ...t, object: original }], { edit: { original, edited: obj } });
      const refused = plan.targets[0]?.refused;
      if (refused) return app.message(refused, refused.startsWith('Edit cancelled') ? 'info' : 'error');
      const dialog: ConfirmView = new ConfirmView(app, plan, {
        confirm: (typed) => {
          deps.dismiss(dialog);
          void executor.execute(plan, { typed }).then(([o]) => {
            if (o && editConflict(o)) {
              const ask: InputView = new InputView(app, `${t.kind} ${t.name} changed since it was read (409 Conflict): nothing was written. Edit again on the current version? (y/n)`, /^[yn]$/i, (answer) => {
                deps.dismiss(ask);
                if (answer?.toLowerCase() === 'y') doEdit(t);
              });
              app.push(ask);
            }
          });
        },
        cancel: () => {
          deps.dismiss(dialog);
          app.message('edit cancelled, nothing sent');
        },
      });
      app.push(dialog);
    })();
  }

  function objectApiPath(t: Target): string {
    const [plural, ...group] = t.resource.split('.');
    const apiVersion = t.object.apiVersion ?? (group.length ? '' : 'v1');
    const prefix = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion || 'v1'}`;
    return `${prefix}${t.namespace ? `/namespaces/${encodeURIComponent(t.namespace)}` : ''}/${plural}/${encodeURIComponent(t.name)}`;
  }

  function editableYaml(o: KubeObject): string {
    const { managedFields: _m, ...metadata } = o.metadata as KubeObject['metadata'] & { managedFields?: unknown };
    return `# Edit the object and save; lines starting with # are ignored.\n# An empty file or no change cancels. resourceVersion ${o.metadata.resourceVersion ?? '?'} is what the change applies to.\n${stringifyYaml({ ...o, metadata })}`;
  }

  /** Runs $EDITOR (VISUAL, EDITOR, vi) on the text with the terminal handed over; undefined when cancelled. */
  async function runEditor(text: string): Promise<string | undefined> {
    const dir = mkdtempSync(join(tmpdir(), 'fleetdeck-edit-'));
    const file = join(dir, 'object.yaml');
    writeFileSync(file, text, { mode: 0o600 });
    const editor = env.VISUAL || env.EDITOR || 'vi';
    let result: string | undefined;
    await handOver(`fleetdeck: editing in ${editor}`, async () => {
      const r = spawnSync('sh', ['-c', `${editor} "$1"`, 'editor', file], { stdio: 'inherit' });
      if (r.status !== 0) app.message(`${editor} exited with ${r.status ?? r.signal}: nothing sent`, 'error');
      else result = readFileSync(file, 'utf8');
    });
    rmSync(dir, { recursive: true, force: true });
    if (result !== undefined && result.replace(/^#.*\n/gm, '').trim() === '') {
      app.message('edit cancelled: the file was emptied, nothing sent');
      return undefined;
    }
    return result;
  }

  const triage: Triage = {
    shell(t, picked) {
      if (t.kind !== 'Pod') return app.message(`a shell needs a pod (this is a ${t.kind})`, 'error');
      if (app.readonly) return app.message('read-only mode: Exec is not allowed', 'error');
      const containers = execContainers(t.object);
      if (containers.length <= 1) return openShell(t, containers[0] ?? '', picked);
      const pick: ChoiceView = new ChoiceView(app, `container in ${t.name}`, containers, (c) => {
        deps.dismiss(pick);
        if (c) openShell(t, c, picked);
      });
      app.push(pick);
    },
    portForward(t, picked) {
      if (t.kind !== 'Pod') return app.message(`port-forward needs a pod (this is a ${t.kind})`, 'error');
      if (app.readonly) return app.message('read-only mode: Port-forward is not allowed', 'error');
      const port = firstPort(t.object);
      const ask: InputView = new InputView(app, `forward [LOCAL:]REMOTE for ${t.name}${port ? ` (e.g. ${port}:${port}, :${port})` : ''}:`, /^(\d*:)?\d+$/, (answer) => {
        deps.dismiss(ask);
        if (answer === undefined) return;
        const [l, r] = answer.includes(':') ? answer.split(':') : [answer, answer];
        const plan = executor.plan('port-forward', [t], { portForward: { port: Number(r), localPort: Number(l || 0), picked } });
        gate(plan, (typed) => {
          executor
            .session(plan, { typed }, () => startPortForward(socketFor(t.context), { namespace: t.namespace ?? '', pod: t.name, port: Number(r) }, Number(l || 0)))
            .then((fwd) => {
              forwards.push({ id: nextId++, context: t.context, namespace: t.namespace ?? '', pod: t.name, fwd, startedAt: app.now() });
              app.message(`forwarding ${listenText(fwd)} -> ${t.name}:${r}  (:pf lists forwards)`);
            })
            .catch((e: Error) => app.message(`port-forward ${t.name}: ${e.message}`, 'error'));
        });
      });
      app.push(ask);
    },
    forwards: () => [...forwards],
    stopForward,
    edit(t) {
      if (app.readonly) return app.message('read-only mode: Edit is not allowed', 'error');
      doEdit(t);
    },
    copy(what, text) {
      (screen.program as unknown as { _write?(s: string): void; write(s: string): void }).write(osc52(text));
      app.message(`copied ${what} to the clipboard (OSC 52; ${text.length} characters)`);
    },
    async close() {
      await Promise.all(forwards.splice(0).map((f) => f.fwd.stop()));
    },
  };
  return triage;
}
