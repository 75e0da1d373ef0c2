// The `:` line's context names and namespace are never dropped (LineScope, src/ui/view.ts):
// a view over the selected contexts is narrowed by them as a table is (`:events staging
// shop`, `:problems prod-eu`), the header names the narrowing, and a view with no use for a
// context name refuses it. `:events staging checkout` used to show every context's events.
import { afterEach, describe, expect, it } from 'vitest';
import { start, stopAll } from '../helpers/ui-rig.js';

afterEach(stopAll);

/** The CONTEXT column's values of the screen's table rows. */
const contextsShown = (screen: string): Set<string> =>
  new Set(screen.split('\n').map((l) => /^(dev|staging|prod-eu)\s{2,}/.exec(l)?.[1]).filter((c): c is string => c !== undefined));

describe('scope words on the command line', () => {
  it(':events CTX NS narrows the events table to that context and namespace, and says so', async () => {
    const r = start({ cols: 160 });
    await r.waitFor('web-7d9f8');
    // the demo fleet's one event is prod-eu's, in shop
    r.keys(':events staging shop\r');
    let t = await r.waitFor(/^ events \[0\]\s+ctx:staging\s+ns:shop/m);
    expect(t).not.toMatch(/BackOff/);
    r.keys(':events prod-eu shop\r');
    t = await r.waitFor((x) => /ctx:prod-eu\s+ns:shop/.test(x) && /BackOff/.test(x));
  });

  it(':problems CTX and :pulses CTX cover that context alone; the header names it', async () => {
    const r = start({ cols: 160 });
    await r.waitFor('web-7d9f8');
    r.keys(':problems prod-eu\r');
    let t = await r.waitFor((x) => /^ problems.*ctx:prod-eu/m.test(x) && /CrashLoop/.test(x));
    expect([...contextsShown(t)]).toEqual(['prod-eu']);
    r.keys(':problems dev\r');
    t = await r.waitFor((x) => /^ problems.*ctx:dev/m.test(x));
    expect(t).not.toMatch(/CrashLoop/);
    // staging's failing Kustomization, and nothing of the other contexts
    r.keys(':problems staging\r');
    t = await r.waitFor((x) => /^ problems.*ctx:staging/m.test(x) && /BuildFailed/.test(x));
    expect([...contextsShown(t)]).toEqual(['staging']);
    r.keys(':pulses staging\r');
    t = await r.waitFor((x) => /^ pulses.*ctx:staging/m.test(x));
    expect(t).not.toMatch(/\bprod-eu\b.*events\/s/);
  });

  it('a view with no use for a context name refuses it instead of dropping it', async () => {
    const r = start({ cols: 160 });
    await r.waitFor('web-7d9f8');
    r.keys(':fleet dev\r');
    await r.waitFor(/fleet: takes no context \(dev\); pick the contexts with :ctx/);
  });

  it(':pods -A shows every namespace while the app has one, and the header says all', async () => {
    const r = start({ cols: 160 });
    await r.waitFor('web-7d9f8');
    r.keys(':ns shop\r');
    await r.waitFor(/ns:shop/);
    r.keys(':pods -A\r');
    const t = await r.waitFor((x) => /^ pods.*ns:all/m.test(x) && /\bdefault\b/.test(x));
    expect(t).toMatch(/\bshop\b/);
  });

  it('a word no view reads is refused, not dropped: :pods dev shop extra, :problems dev shop extra', async () => {
    const r = start({ cols: 160 });
    await r.waitFor('web-7d9f8');
    r.keys(':pods dev shop extra\r');
    await r.waitFor(/pods: unexpected "extra" \(it takes context names and one namespace\)/);
    r.keys(':problems dev -A foo\r');
    await r.waitFor(/problems: unexpected "foo"/);
    r.keys(':fleet shop\r');
    await r.waitFor(/fleet: unexpected "shop" \(it takes no word but context names\)/);
    // a context mistyped before a namespace is said as such, not "unexpected checkout"
    r.keys(':pods prod-ue checkout\r');
    await r.waitFor(/pods: no context "prod-ue" \(did you mean prod-eu\?\)/);
    // what each view does read still opens it
    r.keys(':pods dev shop\r');
    await r.waitFor(/^ pods.*ctx:dev\s+ns:shop/m);
  });
});
