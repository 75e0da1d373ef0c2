// Triage on the built CLI (`node dist/cli.js demo` in a pty): the fleet view counts the demo
// scenario's injected faults per context, `1` (problems) names each of them with its reason,
// most severe first, and the tree of staging's failing Kustomization shows it Failed with its
// reason above its children's health marks, expanding and collapsing. Run `npm run build` first.
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Session, sessionsOfFile, startDemo } from './harness.js';

const CLI = resolve('dist/cli.js');
const STARTUP_MS = 30_000;
const WAIT_MS = 20_000;
const { track } = sessionsOfFile();

function demo(cols: number, rows: number): Session {
  const s = startDemo([], { cols, rows });
  return track(s);
}

interface FleetCounts {
  workloads: number;
  fluxReady: number;
  fluxFailed: number;
  fluxSuspended: number;
  crs: number;
  problems: number;
}

/** A context's fleet row, parsed (undefined until it is ready, summarised and every kind synced). */
function fleetRow(screen: string, context: string): FleetCounts | undefined {
  // NODES, PODS R/P/F (by phase), PODS FAILING, WORKLOADS, FLUX OK/FAIL/SUSP, CRS, PROBLEMS
  const m = new RegExp(`^\\*${context}\\s+ready\\s+\\d+ms\\s+v\\S+\\s+\\d+/\\d+\\s+\\d+/\\d+/\\d+\\s+\\d+\\s+(\\d+) bad\\s+(\\d+)/(\\d+)/(\\d+)\\s+(\\d+) bad\\s+(\\d+)\\s`, 'm').exec(screen);
  if (!m) return undefined;
  const [workloads, fluxReady, fluxFailed, fluxSuspended, crs, problems] = m.slice(1).map(Number);
  return { workloads, fluxReady, fluxFailed, fluxSuspended, crs, problems };
}

/** Each injected fault: its problems row (context, kind, namespace, name, status) and a reason fragment. */
const FAULTS: { context: string; kind: string; namespace: string; name: string; status: string; reason: RegExp }[] = [
  { context: 'prod-eu', kind: 'Deployment', namespace: 'checkout', name: 'cart-api', status: 'Failed', reason: /CrashLoopBackOff/ },
  { context: 'prod-eu', kind: 'HelmRelease', namespace: 'checkout', name: 'podinfo', status: 'Failed', reason: /^Released=False UpgradeFailed: Helm upgrade failed .*context deadline exceeded/ },
  { context: 'prod-eu', kind: 'Cluster', namespace: 'databases', name: 'payments-db', status: 'Failed', reason: /Degraded: 2\/3 instances ready/ },
  { context: 'staging', kind: 'Kustomization', namespace: 'flux-system', name: 'apps', status: 'Failed', reason: /BuildFailed: kustomize build failed/ },
  { context: 'staging', kind: 'Namespace', namespace: '-', name: 'legacy-reports', status: 'Terminating', reason: /held by finalizers: kubernetes/ },
  // its issuer does not exist: the deepest cause is the verdict (issue 20 case 11)
  { context: 'staging', kind: 'Certificate', namespace: 'checkout', name: 'shop-tls', status: 'Failed', reason: /ClusterIssuer letsencrypt-prod-missing does not exist/ },
  { context: 'dev', kind: 'PersistentVolumeClaim', namespace: 'payments', name: 'scratch-data', status: 'InProgress', reason: /not Bound\. phase: Pending/ },
  { context: 'dev', kind: 'Kustomization', namespace: 'flux-system', name: 'monitoring-stack', status: 'Suspended', reason: /suspended/ },
];

const faultRow = (f: (typeof FAULTS)[number]): RegExp =>
  new RegExp(`^${f.context}\\s+${f.kind}\\s+${f.namespace}\\s+${f.name}\\s+${f.status}\\s+\\S+\\s+(.*)$`, 'm');

const SEVERITY = ['Failed', 'Terminating', 'InProgress', 'Suspended'];

describe('triage on demo', () => {
  it('the fleet view counts the injected faults per context; problems lists each, most severe first', async () => {
    const s = demo(220, 40);
    await s.waitFor(/CONTEXT\s+STATE\s+LATENCY/, STARTUP_MS);
    // the counts settle as each context's kinds finish their first list
    const t = await s.waitFor((x) => {
      const dev = fleetRow(x, 'dev');
      // staging's user may not read kube-system: its counts are unknown ('?'), its problems a lower bound (issue 20)
      const staging = /^\*staging\s+ready\s+\d+ms\s+v\S+\s+\d+\/\d+\s+\?\s+\?\s+\?\s+\?\s+\?\s+(\d+)\+\s/m.exec(x);
      const prod = fleetRow(x, 'prod-eu');
      return !!dev && !!staging && !!prod
        && dev.fluxSuspended === 1 && dev.fluxFailed === 0 && dev.workloads === 0 && dev.crs === 0 && dev.problems >= 1
        && Number(staging[1]) >= 3
        && prod.workloads >= 1 && prod.fluxFailed === 1 && prod.crs === 1 && prod.problems >= 3;
    }, WAIT_MS);
    expect(t.split('\n').filter((l) => /^\*(dev|staging|prod-eu)\s/.test(l))).toHaveLength(3);

    s.press('1');
    const p = await s.waitFor((x) => /problems \[\d+\+?, \d+ failed(?: · [^\]]+)?\]/.test(x) && FAULTS.every((f) => faultRow(f).test(x)), WAIT_MS);
    for (const f of FAULTS) expect(faultRow(f).exec(p)?.[1], `${f.context} ${f.kind} ${f.name}`).toMatch(f.reason);
    // most severe first: the STATUS column never goes back up the scale
    const statuses = p.split('\n').flatMap((l) => /^(dev|staging|prod-eu)\s+\S+\s+\S+\s+\S+\s+(\w+)\s/.exec(l)?.[2] ?? []);
    const ranks = statuses.map((x) => SEVERITY.indexOf(x));
    expect(ranks.every((r) => r >= 0)).toBe(true);
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));

    // q only leaves a sub-view now (k9s); :q quits from anywhere
    s.type(':q');
    s.press('enter');
    expect(await s.exit(10_000)).toBe(0);
  }, 90_000);

  it("the failing Kustomization's tree: Failed with its reason, children with health marks, collapse and expand", async () => {
    const s = demo(160, 60);
    await s.waitFor(/CONTEXT\s+STATE\s+LATENCY/, STARTUP_MS);
    s.press('2');
    await s.waitFor(/flux \[\d+\+?\]/, WAIT_MS);
    await s.waitFor(/Kustomization\s+staging\s+flux-system\/apps\s+False/, WAIT_MS);
    s.type("/'staging/flux-system/Kustomization/apps");
    s.press('enter');
    await s.waitFor(/flux \[1\/\d+\+?\]/, WAIT_MS);
    s.press('t');

    // every inventory entry resolved once the caches are synced: workloads down to their pods
    const CHILDREN = ['Deployment/payments/payments-api', 'StatefulSet/databases/redis', 'DaemonSet/monitoring/node-exporter', 'Service/checkout/checkout-web'];
    const full = (x: string): boolean => /tree kustomization\/apps \[(\d+)\+\]/.test(x) && /^✓\s+│\s+└─ ReplicaSet\/payments\/payments-api-/m.test(x) && /^✓\s+├─ ConfigMap\/payments\/payments-api-config\s+Current/m.test(x)
      // staging may not list Secrets: that entry is unknown, not missing
      && /^\?\s+└─ Secret\/payments\/payments-db-credentials\s+Unknown Forbidden: .*its kind is forbidden to list/m.test(x)
      // a frame is read whole only once every child row is in it (the tree fills kind by kind)
      && CHILDREN.every((child) => new RegExp(`^✓\\s+├─ ${child}\\s+Current`, 'm').test(x));
    let t = await s.waitFor(full, WAIT_MS);
    expect(t).toMatch(/^✗ staging\s+Kustomization\/flux-system\/apps\s+Failed Ready=False BuildFailed: kustomize build failed/m);
    expect(t).toMatch(/^✓\s+│\s+├─ Pod\/databases\/redis-0\s+Current Pod is Ready/m);
    // staging's user may not list Secrets (nor anything in kube-system): the count is a lower bound, and says why
    expect(t).toMatch(/^not whole: staging: .*forbidden/m);
    const size = Number(/tree kustomization\/apps \[(\d+)\+\]/.exec(t)![1]);
    expect(size).toBeGreaterThan(20);
    // no frame ever drew an inventory entry as missing from the cluster while its kind was
    // still being listed (or was forbidden: staging's Secrets); the raw stream has every frame
    expect(s.output()).not.toContain('NotFound:');


    // enter on the root collapses it to one folded line, and again expands it
    s.press('enter');
    // predicates hold the whole frame: a screen read while a frame is still being written can
    // show the new title over the old rows
    t = await s.waitFor((x) => /tree kustomization\/apps \[1\+\]/.test(x) && !x.includes('Deployment/payments/payments-api'), WAIT_MS);
    expect(t).toMatch(/^✗ staging\s+\+Kustomization\/flux-system\/apps\s+Failed Ready=False BuildFailed/m);
    expect(t).not.toContain('Deployment/payments/payments-api');
    s.press('enter');
    // the tree may have grown meanwhile (every listable kind is watched, and ControllerRevisions
    // land after the first full frame): expanded means its first size or more, the children back
    t = await s.waitFor((x) => Number(/tree kustomization\/apps \[(\d+)\+\]/.exec(x)?.[1] ?? 0) >= size && /^✓\s+├─ Deployment\/payments\/payments-api\s+Current/m.test(x), WAIT_MS);
    const expanded = Number(/tree kustomization\/apps \[(\d+)\+\]/.exec(t)![1]);

    // a child collapses on its own: the Deployment folds its ReplicaSet and pods away
    const rows = t.split('\n');
    const at = rows.findIndex((l) => /├─ Deployment\/payments\/payments-api/.test(l)) - rows.findIndex((l) => /Kustomization\/flux-system\/apps/.test(l));
    for (let i = 0; i < at; i++) s.press('down');
    s.press('enter');
    t = await s.waitFor((x) => Number(/tree kustomization\/apps \[(\d+)\+\]/.exec(x)?.[1] ?? 0) <= expanded - 4 && !/ReplicaSet\/payments\/payments-api-/.test(x) && /^✓ \+├─ Deployment\/payments\/payments-api\s+Current/m.test(x), WAIT_MS);
    expect(t).toMatch(/^✓ \+├─ Deployment\/payments\/payments-api\s+Current/m);
    expect(t).not.toMatch(/ReplicaSet\/payments\/payments-api-/);

    // q only leaves a sub-view now (k9s); :q quits from anywhere
    s.type(':q');
    s.press('enter');
    expect(await s.exit(10_000)).toBe(0);
  }, 90_000);
});
