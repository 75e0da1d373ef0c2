// The resource table's HEALTH and REASON read the related objects Problems reads (issue 20:
// one verdict everywhere): a Certificate whose ClusterIssuer does not exist is Failed in
// `:certificates` as in Problems, once ClusterIssuers are listed whole; while they are not, the
// table does not claim the issuer is missing.
import { afterEach, describe, expect, it } from 'vitest';
import { demoStore } from '../helpers/fake-store.js';
import { NOW, start, stopAll } from '../helpers/ui-rig.js';

afterEach(stopAll);

describe('HEALTH in a resource table reads related objects', () => {
  it("a Certificate naming a missing ClusterIssuer is Failed in :certificates (InProgress from its own conditions alone)", async () => {
    const store = demoStore({ now: NOW, contexts: ['dev'] });
    store.put('dev', 'certificates.cert-manager.io', {
      apiVersion: 'cert-manager.io/v1', kind: 'Certificate',
      metadata: { name: 'shop-tls', namespace: 'shop', uid: 'cert-1', creationTimestamp: new Date(NOW - 3600_000).toISOString() },
      spec: { secretName: 'shop-tls', dnsNames: ['shop.example.com'], issuerRef: { name: 'letsencrypt-prod', kind: 'ClusterIssuer' } },
      status: { conditions: [{ type: 'Ready', status: 'False', reason: 'DoesNotExist', message: 'Issuing certificate as Secret does not exist', lastTransitionTime: new Date(NOW - 900_000).toISOString() }, { type: 'Issuing', status: 'True', reason: 'DoesNotExist', message: 'Issuing certificate as Secret does not exist' }] },
    });
    const rig = start({ store, contexts: ['dev'], startCommand: 'certificates', cols: 220, rows: 20 });
    const screen = await rig.waitFor(/shop-tls.*Failed/);
    const row = screen.split('\n').find((l) => l.includes('shop-tls'))!;
    expect(row).toMatch(/\bFailed\b/);
    expect(row).not.toMatch(/\bInProgress\b/);
  });
});
