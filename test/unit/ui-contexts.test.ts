// Every kubeconfig context can be reached from a run started on some of them (`--context
// prod-eu`): `:ctx NAME`, `:pods NAME`, the picker; the store connects one only once asked.
import { afterEach, describe, expect, it } from 'vitest';
import { demoStore } from '../helpers/fake-store.js';
import { start, stopAll } from '../helpers/ui-rig.js';

afterEach(stopAll);

const header = (t: string) => t.split('\n')[0];
/** the app started with --context prod-eu: the kubeconfig has dev, staging and prod-eu */
const prodOnly = () => {
  const store = demoStore({ connected: ['prod-eu'] });
  return start({ store, contexts: ['prod-eu'] });
};

describe('contexts the run did not start with', () => {
  it(':ctx NAME selects one and connects it; an unknown name lists the kubeconfig\'s every context', async () => {
    const r = prodOnly();
    await r.waitFor('web-7d9f8');
    expect(r.store.added).toEqual([]);
    r.keys(':ctx nosuch\r');
    await r.waitFor('ctx: no context named nosuch (the kubeconfig has dev, staging, prod-eu)');
    r.keys(':ctx dev\r');
    await r.waitFor((t) => /✓ dev ready/.test(header(t)) && !/prod-eu/.test(header(t)));
    expect(r.store.added).toEqual(['dev']);
  });

  it(':pods NAME reads NAME as a context, not a namespace', async () => {
    const r = prodOnly();
    await r.waitFor('web-7d9f8');
    r.keys(':pods staging shop\r');
    const t = await r.waitFor(/ctx:staging\s+ns:shop/);
    expect(t).not.toMatch(/not found/);
    expect(r.store.added).toEqual(['staging']);
  });

  it('the picker lists every kubeconfig context with the header\'s badge; enter uses that one alone, space toggles', async () => {
    const r = prodOnly();
    await r.waitFor('web-7d9f8');
    r.store.setPhase('prod-eu', 'secrets', { phase: 'forbidden' });
    r.keys(':secrets\r');
    await r.waitFor(/⊘ prod-eu limited/);
    r.keys('X');
    let t = await r.waitFor(/\[x\] ⊘ prod-eu\s+limited/);
    // not connected is not shown as ready: nothing is known of it yet
    expect(t).toMatch(/\[ \]\s+dev\s+not connected/);
    expect(t).toMatch(/\[ \]\s+staging\s+not connected/);
    expect(t).toMatch(/<enter> use only/);
    expect(t).toMatch(/<space> toggle/);
    expect(r.store.added).toEqual([]);
    // space adds dev to the selection, the picker stays
    r.keys(' ');
    t = await r.waitFor(/\[x\] ✓ dev\s+ready/);
    expect(header(t)).toMatch(/dev ready.*prod-eu/);
    // enter on staging: staging alone, the picker closed
    r.keys('j\r');
    t = await r.waitFor((x) => /✓ staging ready/.test(header(x)) && !/\[x\]/.test(x));
    expect(header(t)).not.toMatch(/dev|prod-eu/);
    expect(r.store.added).toEqual(['dev', 'staging']);
  });
});

describe('views over one object name its context and namespace', () => {
  // `h` on cart-api said `history deployment/cart-api [3 revisions]  ns:all`: three contexts have one
  it('history, yaml, describe and tree: ctx and ns in the header, whatever the app\'s scope', async () => {
    const r = start({ startCommand: 'deploy' });
    await r.waitFor(/prod-eu\s+shop\s+web/);
    r.keys('G');
    const scoped = (title: RegExp) => r.waitFor((t) => title.test(t.split('\n')[1]) && /ctx:(dev|staging|prod-eu)\s+ns:(default|shop)\s/.test(t.split('\n')[1]));
    for (const [key, title] of [['h', /history deployment\/web/], ['y', /yaml deployment\/web/], ['d', /describe deployment\/web/], ['t', /tree deployment\/web/]] as const) {
      r.keys(key);
      await scoped(title);
      r.keys('\x1b');
      await r.waitFor((t) => /^ deploy/.test(t.split('\n')[1]));
    }
  });
});
