import { afterEach, describe, expect, it } from 'vitest';
import { project } from '../../src/kube/project.js';
import type { KubeObject } from '../../src/model/types.js';
import { demoStore } from '../helpers/fake-store.js';
import { start, stopAll } from '../helpers/ui-rig.js';
import { waitUntil } from '../helpers/wait.js';

afterEach(stopAll);

describe('app shell', () => {
  it('shows contexts with badges, pods from every context with a CONTEXT column', async () => {
    const r = start();
    const t = await r.waitFor('web-7d9f8');
    expect(t).toMatch(/✓ dev ready/);
    expect(t).toMatch(/✓ prod-eu ready/);
    expect(t).toContain('CONTEXT');
    expect(t).toContain('CrashLoopBackOff');
    for (const c of ['dev', 'staging', 'prod-eu']) expect(t).toMatch(new RegExp(`^${c}\\s+`, 'm'));
  });

  it('columns come from the model: pods as kubectl prints them, a CRD with its printer columns and HEALTH, wide adds priority columns', async () => {
    const r = start();
    let t = await r.waitFor('web-7d9f8');
    expect(t).toMatch(/CONTEXT\s+NAMESPACE\s+NAME\S*\s+READY\s+STATUS\s+RESTARTS\s+CPU\s+MEM\s+AGE\s+IP\s+NODE/);
    // the fake clusters serve no metrics.k8s.io: the usage is not known, so it is not shown as a number
    expect(t).toMatch(/web-7d9f8\S*\s+\d+\/\d+\s+\S+\s+\d+\s+n\/a\s+n\/a\s/);
    expect(t).toMatch(/dev-node-1/);
    r.keys(':clusters shop\r');
    t = await r.waitFor('orders-db');
    expect(t).toMatch(/NAME\S*\s+AGE\s+INSTANCES\s+READY\s+STATUS\s+PRIMARY\s+HEALTH/);
    expect(t).toMatch(/orders-db-1\s+Current/);
    r.keys(':certificates\r');
    t = await r.waitFor(/NAME\S*\s+READY\s+SECRET/);
    expect(t).not.toContain('ISSUER');
    r.keys('\x17');
    await r.waitFor(/READY\s+SECRET\s+ISSUER\s+STATUS/);
  });

  it('a frame whose text is what the screen shows is not drawn again; one whose text changed is', async () => {
    const frames: boolean[] = [];
    const r = start({ onFrame: (drawn) => frames.push(drawn) });
    await r.waitFor('web-7d9f8');
    // the 1 s clock asks for frames; with the rig's clock standing still their text is the same
    await waitUntil('a frame not drawn', async () => frames.includes(false), { timeoutMs: 5000, intervalMs: 20 });
    const before = await r.text();
    expect(frames[0]).toBe(true);
    const n = frames.length;
    // the filter prompt opens: the footer's text changes, so that frame is drawn
    r.keys('/');
    await waitUntil('a frame drawn after the key', async () => frames.slice(n).includes(true), { timeoutMs: 5000, intervalMs: 10 });
    await r.waitFor((t) => t !== before);
  });

  it('hides CONTEXT with one context and marks READONLY', async () => {
    const r = start({ contexts: ['dev'], readonly: true });
    const t = await r.waitFor('web-7d9f8');
    expect(t).not.toContain('CONTEXT');
    expect(t).toContain('READONLY');
  });

  it('palette opens a CRD kind with its printer columns; unknown kinds give a message', async () => {
    const r = start();
    await r.waitFor('web-7d9f8');
    r.keys(':ks\r');
    let t = await r.waitFor('kustomize build failed');
    expect(t).toMatch(/READY\s+SUSPENDED\s+REVISION/);
    r.keys(':nosuchthing\r');
    t = await r.waitFor('unknown resource or view "nosuchthing"');
    expect(t).toContain('kustomize build failed');
    // the message was about that view: the next one opened starts without it
    r.keys(':pods\r');
    t = await r.waitFor('web-7d9f8');
    expect(t).not.toContain('nosuchthing');
  });

  it('SUSPENDED reads False as flux get prints it, in :ks as in :flux', async () => {
    const r = start({ contexts: ['dev'] });
    await r.waitFor('web-7d9f8');
    r.keys(':ks\r');
    let t = await r.waitFor(/SUSPENDED/);
    expect(t).toMatch(/apps\s+True\s+False\s/);
    r.keys(':flux\r');
    t = await r.waitFor(/KIND\s+NAMESPACE\/NAME/);
    expect(t).toMatch(/flux-system\/apps\s+True\s+False\s/);
  });

  it('a pasted ":pods\\r" in one chunk lands in the prompt, not in global keys', async () => {
    const r = start({ startCommand: 'deploy' });
    await r.waitFor('UP-TO-DATE');
    r.keys(':po\r');
    await r.waitFor('RESTARTS');
  });

  it('filter narrows, ! inverts, -l selects by label, esc clears', async () => {
    const r = start();
    await r.waitFor('web-7d9f8');
    r.keys('/prod-eu\r');
    let t = await r.waitFor('[4/12]');
    expect(t).not.toMatch(/^dev\s/m);
    r.keys('/!prod-eu\r');
    t = await r.waitFor('[8/12]');
    r.keys('/-l tier=back\r');
    t = await r.waitFor('[6/12]');
    r.keys('\x1b');
    await r.waitFor('[12]');
  });

  it('esc while typing a new filter cancels the edit: the filter before / comes back, the cursor on its row; esc again clears it', async () => {
    const r = start();
    await r.waitFor('web-7d9f8');
    r.keys('/prod-eu\r');
    await r.waitFor('[4/12]');
    // the second row selected
    r.keys('j');
    const rows = (await r.text()).split('\n').filter((l) => /^prod-eu\s/.test(l));
    const second = rows[1].trim().split(/\s+/)[2];
    r.keys('/dev');
    await r.waitFor('filter:/dev');
    r.keys('\x1b');
    const t = await r.waitFor((x) => x.includes('[4/12]') && x.includes('filter:/prod-eu'));
    expect(t.split('\n').filter((l) => /^prod-eu\s/.test(l))).toEqual(rows);
    r.keys('y');
    await r.waitFor(`yaml pod/${second}`);
    r.keys('\x1b');
    await r.waitFor('[4/12]');
    r.keys('\x1b');
    await r.waitFor('[12]');
  });

  it('an invalid filter: (invalid) in the header, the reason once where the rows were, gone when a filter parses', async () => {
    const r = start();
    await r.waitFor('web-7d9f8');
    r.keys('/-l =\r');
    let t = await r.waitFor('filter:/-l = (invalid)');
    expect(t).toContain('[0/12]');
    expect(t.match(/found '=', expected/g)).toHaveLength(1);
    expect(t).not.toMatch(/\(×\d\)/);
    r.keys('\x1b');
    await r.waitFor('[12]');
    r.keys('/-l "tier in (back)"\r');
    t = await r.waitFor('[6/12]');
    expect(t).not.toContain('invalid');
    expect(t).not.toContain('found');
  });

  it('yaml masks a secret until toggled; describe shows events; esc goes back', async () => {
    const r = start({ startCommand: 'secrets' });
    await r.waitFor('db-creds');
    r.keys('y');
    let t = await r.waitFor('password: ••••••');
    expect(t).not.toContain('aHVudGVyMg');
    r.keys('x');
    // x shows the values decoded (hunter2), not their base64
    t = await r.waitFor('password: hunter2');
    expect(t).toContain('[decoded]');
    r.keys('\x1b');
    await r.waitFor('DATA');
    r.keys(':pods prod-eu shop\r');
    await r.waitFor('CrashLoopBackOff');
    r.keys('d');
    t = await r.waitFor('Back-off restarting failed container');
    expect(t).toContain('Containers:');
    r.keys('\x1b');
    await r.waitFor('RESTARTS');
  });

  it('yaml shows the object as the API serves it, not the projected copy the cache keeps', async () => {
    const store = demoStore({ contexts: ['dev'] });
    const served = structuredClone(store.get('dev', 'pods', 'default', 'web-7d9f8-xxxx0')!) as KubeObject;
    (served.spec as Record<string, unknown>).volumes = [{ name: 'kube-api-access', projected: { sources: [{ serviceAccountToken: { path: 'token' } }] } }];
    // the cache holds what a reflector keeps of it: no volumes
    store.put('dev', 'pods', project(structuredClone(served), 'pods'));
    expect(JSON.stringify(store.get('dev', 'pods', 'default', 'web-7d9f8-xxxx0'))).not.toContain('kube-api-access');
    const get = store.request.bind(store);
    let gets = 0;
    store.request = async (context, req) => {
      if (req.path !== '/api/v1/namespaces/default/pods/web-7d9f8-xxxx0' || (req.method ?? 'GET') !== 'GET') return get(context, req);
      gets++;
      return { status: 200, body: served };
    };
    const r = start({ store, contexts: ['dev'], startCommand: 'pods default' });
    await r.waitFor('web-7d9f8-xxxx0');
    r.keys('y');
    const t = await r.waitFor('kube-api-access');
    expect(t).not.toContain('cached copy');
    expect(gets).toBe(1);
  });

  it('help lists the active keymap; vim differs', async () => {
    const r = start({ keymap: 'vim' });
    await r.waitFor('web-7d9f8');
    r.keys('?');
    const t = await r.waitFor('half page down');
    expect(t).toMatch(/ctrl-d\s+half page down/);
    expect(t).toMatch(/g g, home\s+top/);
  });

  it('a start view opened before discovery fills itself in when discovery lands', async () => {
    const r = start({ undiscovered: true });
    let t = await r.waitFor('waiting for discovery of dev, staging, prod-eu');
    expect(t).not.toContain('not known yet');
    r.store.discover('dev');
    t = await r.waitFor('web-7d9f8');
    // staging and prod-eu not discovered yet: the rows are not whole, the count a lower bound
    expect(t).toContain('[4+]');
    r.store.discover('staging');
    r.store.discover('prod-eu');
    t = await r.waitFor('[12]');
    expect(t).toMatch(/✓ prod-eu ready/);
  });

  it('a palette command typed during discovery waits instead of failing; unknown names fail after', async () => {
    const r = start({ undiscovered: true, startCommand: 'deploy' });
    await r.waitFor('waiting for discovery');
    r.keys(':ks\r');
    await r.waitFor('"ks": waiting for discovery');
    for (const c of ['dev', 'staging', 'prod-eu']) r.store.discover(c);
    await r.waitFor('kustomize build failed');
    r.keys(':nosuchthing\r');
    await r.waitFor('unknown resource or view "nosuchthing"');
  });

  // `--context prod-eu --command ':xray deploy'` opened the pods table and stayed there, saying it waited
  for (const kind of ['deploy', 'ks']) {
    it(`a start :xray ${kind} before discovery opens the xray view, waits in it and fills it in`, async () => {
      const r = start({ undiscovered: true, contexts: ['prod-eu'], startCommand: `xray ${kind}` });
      let t = await r.waitFor(`"${kind}": waiting for discovery of prod-eu`);
      // nothing read yet: a lower bound, as a table's `[0+]`
      expect(t).toMatch(new RegExp(`^ xray ${kind} \\[0\\+\\]`, 'm'));
      expect(t).not.toMatch(/^ pods/m);
      r.store.discover('prod-eu');
      t = await r.waitFor(kind === 'deploy' ? 'Deployment/shop/web' : 'Kustomization/flux-system/apps');
      expect(t).toMatch(new RegExp(`^ xray ${kind} \\[\\d+\\]`, 'm'));
      expect(t).not.toContain('waiting for discovery');
    });
  }

  it('a start :xray of a kind no discovered context serves says so, as a typed one does', async () => {
    const r = start({ startCommand: 'xray nosuchkind' });
    await r.waitFor('no selected context serves the kind "nosuchkind"');
  });

  it('a start :logs KIND/NAME before discovery waits for it, then tails the kind\'s pods (not a namespace "deploy")', async () => {
    const r = start({ undiscovered: true, contexts: ['prod-eu'], startCommand: 'logs deploy/web' });
    let t = await r.waitFor('"deploy/web": waiting for discovery of prod-eu');
    expect(t).toMatch(/^ logs deploy\/web \[waiting for discovery\]/m);
    r.store.discover('prod-eu');
    t = await r.waitFor(/^ logs deploy\/web \[\d+\/\d+ \| 2 pods \|/m);
    expect(t).not.toContain('resource type');
    expect(t).not.toContain('waiting for discovery');
  });

  it('quits on q and resolves', async () => {
    const r = start();
    await r.waitFor('web-7d9f8');
    r.keys('q');
    await r.done;
    await r.text();
    expect(r.term.buffer.active.type).toBe('normal');
  });

  it('no top-level view offers <esc> back where it would fail; esc clears a filter first, and the footer says so while one is set', async () => {
    const r = start({ cols: 300 });
    await r.waitFor('web-7d9f8');
    const footer = (t: string): string => t.split('\n').slice(-2)[0];
    for (const [keys, ready] of [[':outcomes\r', /^ outcomes/m], ['3', /^ changes/m], ['2', /^ flux/m], ['1', /^ problems/m], ['0', /^ fleet/m], [':pods\r', /^ pods/m]] as const) {
      r.keys(keys);
      const t = await r.waitFor((x) => ready.test(x.split('\n').slice(-1)[0]));
      expect(footer(t), `${keys}\n${t}`).not.toContain('<esc> back');
    }
    r.keys('/web\r');
    await r.waitFor((x) => footer(x).includes('<esc> back'));
    r.keys('\x1b');
    const t = await r.waitFor((x) => !x.includes('filter:/web'));
    expect(footer(t)).not.toContain('<esc> back');
    r.keys('\x1b');
    await r.waitFor('back: this is the top view');
  });
});
