// The built-in views of the `:` palette, registered as data (src/ui/view.ts VIEWS): imported
// once by the shell (src/ui/app.ts) for its effect.
import { kubeconfigContexts } from '../fleet/types.js';
import { registerView } from './view.js';
import { ForwardsView } from './triage.js';
import { HelpView } from './views/help.js';
import { FleetView } from './views/fleet.js';
import { FluxView } from './views/flux.js';
import { logsViewFactory } from './views/logs.js';
import { OutcomesView } from './views/outcomes.js';
import { ContextPicker, NamespacePicker } from './views/pickers.js';
import { ProblemsView } from './views/problems.js';
import { PulsesView } from './views/pulses.js';
import { TreeView } from './views/tree.js';
import { ChangesView, changesWindow, CompareView, parseAddress, TraceView } from './views/triage.js';
import { ResourceTableView } from './views/resource-table.js';

registerView({ names: ['help', '?'], words: 0, help: 'the key bindings', create: (app) => new HelpView(app) });
registerView({
  names: ['ctx', 'context', 'contexts'], lineScope: 'own', help: 'pick the contexts the views span; ctx NAME|GLOB… selects them at once',
  create: (app, args, scope) => {
    if (args.length) return `ctx: no context named ${args.join(', ')} (the kubeconfig has ${kubeconfigContexts(app.store).join(', ')})`;
    const contexts = scope?.contexts;
    if (!contexts) return new ContextPicker(app);
    app.setContexts(contexts);
    app.message(`contexts: ${contexts.join(', ')}`);
    return undefined;
  },
});
registerView({
  names: ['ns', 'namespace'], words: 1, help: 'pick a namespace; ns NAME (or all) sets it at once',
  create: (app, args, scope) => {
    if (scope?.allNamespaces) app.setNamespace(undefined);
    else if (args.length) app.setNamespace(args[0]);
    else return new NamespacePicker(app);
    app.message(`namespace: ${app.namespace() ?? 'all'}`);
    return undefined;
  },
});
registerView({ names: ['fleet', 'home'], words: 0, help: 'a row per context: reachability, nodes, pods, workloads, Flux, problems', create: (app) => new FleetView(app) });
registerView({ names: ['problems', 'pr'], lineScope: 'spans', words: 1, help: 'everything not healthy across the selected contexts, most severe first: problems [ctx…] [ns]', create: (app) => new ProblemsView(app) });
registerView({
  names: ['xray'], lineScope: 'contexts', words: 2, help: 'ownership trees of every top owner of a kind: xray KIND [ns]',
  // the palette reads the first free word as a namespace: here it is the kind
  create: (app, args) => (args[0] ? TreeView.xray(app, args[0], args[1]) : 'xray: give a kind, e.g. xray deploy'),
});
registerView(logsViewFactory);
registerView({
  names: ['flux'], lineScope: 'own', words: 1, help: 'every Flux object across the selected contexts, failing first: flux [ctx…] [ns]',
  create: (app, args, scope) => new FluxView(app, { contexts: scope?.contexts, namespace: args[0], allNamespaces: scope?.allNamespaces }),
});
registerView({
  names: ['compare', 'cmp'], lineScope: 'contexts', words: 2, help: 'one object side by side across the selected contexts: compare KIND/NAME [ns]',
  create: (app, args) => { const a = parseAddress(args); return a ? new CompareView(app, a) : 'compare: give KIND/NAME, e.g. compare deploy/cart-api'; },
});
registerView({
  names: ['trace'], lineScope: 'contexts', words: 2, help: 'an object up to the Flux object and source that put it there: trace KIND/NAME [ns]',
  create: (app, args) => { const a = parseAddress(args); return a ? new TraceView(app, a) : 'trace: give KIND/NAME, e.g. trace deploy/payments-api'; },
});
registerView({
  names: ['changes', 'ch'], lineScope: 'contexts', words: 1, help: 'what changed across the fleet, newest first: changes [since, e.g. 30m]',
  create: (app, args) => { const w = changesWindow(args[0]); return w === undefined ? `changes: "${args[0]}" is not a duration (30m, 1h, 2h30m)` : new ChangesView(app, w); },
});
registerView({ names: ['outcomes', 'out'], words: 0, help: 'what the actions of this session did', create: (app) => new OutcomesView(app) });
registerView({
  names: ['events', 'ev'], lineScope: 'own', words: 1, help: 'events across the selected contexts: events [ctx…] [ns]',
  // newest first (by when each was last seen), as k9s; `w` keeps only warnings
  create: (app, args, scope) => new ResourceTableView(app, { query: 'events', contexts: scope?.contexts, namespace: args[0], allNamespaces: scope?.allNamespaces, sort: { key: 'age', desc: false } }),
});
registerView({
  names: ['pulses', 'pu'], lineScope: 'spans', words: 1, help: 'per-context charts: events/s, problems, restarts, CPU/MEM against allocatable: pulses [ctx…] [ns]',
  create: (app) => new PulsesView(app),
});
registerView({
  names: ['pf', 'port-forwards', 'portforwards'], words: 0, help: 'active port-forwards: bytes each way, stop with ctrl-d',
  create: (app) => (app.triage ? new ForwardsView(app, app.triage) : 'port-forwards need a terminal session'),
});
