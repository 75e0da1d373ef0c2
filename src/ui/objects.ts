// Runs an object command (src/commands/objects.ts) on a view's selection: the one place the
// TUI turns "this key on these objects" into a view or an action, so every view that reports
// its selection (View.selection) gets every object command. Returns why nothing happened,
// in words, when the command does not apply.
import type { Target } from '../actions/types.js';
import { commandApplies, whyNot, type ObjectCommand } from '../commands/objects.js';
import type { LogTarget } from '../logs/types.js';
import type { ResourceType } from '../model/types.js';
import type { AppContext } from './view.js';
import { DescribeView } from './views/describe.js';
import { historyView } from './views/history.js';
import { logTargetFor, LogsView } from './views/logs.js';
import { ResourceTableView } from './views/resource-table.js';
import { TreeView } from './views/tree.js';
import { YamlView } from './views/yaml.js';

/** The served type of a target (undefined while its context's discovery runs). */
export function typeOfTarget(app: AppContext, t: Target): ResourceType | undefined {
  return app.store.resolve(t.context, t.resource);
}

/** Do the command's needs hold for every target? */
export function appliesToAll(app: AppContext, cmd: ObjectCommand, targets: Target[]): boolean {
  return targets.length > 0 && targets.every((t) => {
    const rt = typeOfTarget(app, t);
    return rt !== undefined && commandApplies(cmd, rt, app.store.resources(t.context));
  });
}

/** Runs `cmd` on `targets`; a message when it does nothing (and why). */
export function runObjectCommand(app: AppContext, cmd: ObjectCommand, targets: Target[]): string | undefined {
  if (!targets.length) return `${cmd.title}: nothing selected`;
  const bad = targets.find((t) => {
    const rt = typeOfTarget(app, t);
    return !rt || !commandApplies(cmd, rt, app.store.resources(t.context));
  });
  if (bad) return typeOfTarget(app, bad) ? whyNot(cmd, bad.kind) : `${cmd.title}: ${bad.context} is not discovered yet`;
  const first = targets[0];
  const rt = typeOfTarget(app, first)!;
  const effect = cmd.effect;
  if ('action' in effect) {
    const toggled = effect.toggle && targets.every((t) => (t.object.spec as { suspend?: unknown } | undefined)?.suspend === true);
    app.act(toggled ? effect.toggle!.action : effect.action, targets);
    return undefined;
  }
  switch (effect.view) {
    case 'logs': {
      const logTargets = targets.flatMap((t) => {
        const trt = typeOfTarget(app, t);
        const lt = trt && logTargetFor(t.context, trt, t.object);
        return lt ? [lt] : [];
      });
      const target: LogTarget = logTargets.length === 1 ? logTargets[0] : { kind: 'many', targets: logTargets };
      const label = targets.length === 1 ? `${first.kind.toLowerCase()}/${first.name}` : `${targets.length} marked`;
      app.push(new LogsView(app, target, { label }));
      return undefined;
    }
    case 'tree':
      app.push(TreeView.forObject(app, first.context, first.resource, first.object));
      return undefined;
    case 'yaml':
      app.push(new YamlView(app, first.context, rt, first.object));
      return undefined;
    case 'describe':
      app.push(new DescribeView(app, first.context, rt, first.object));
      return undefined;
    case 'events': {
      const uid = first.object.metadata.uid;
      app.push(new ResourceTableView(app, {
        query: 'events', contexts: [first.context], namespace: first.namespace,
        where: (e) => (e.involvedObject as { uid?: string } | undefined)?.uid === uid,
        title: `events ${first.kind.toLowerCase()}/${first.name}`,
      }));
      return undefined;
    }
    case 'history': {
      const view = historyView(app, { context: first.context, rt, object: first.object });
      if (typeof view === 'string') return view;
      app.push(view);
      return undefined;
    }
  }
}
