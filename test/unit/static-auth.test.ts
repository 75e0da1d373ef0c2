// fleetdeck computes a fixed credential's headers without loading client-node (start-up
// cost); they must be exactly client-node's for every such user.
import { HttpMethod, KubeConfig, RequestContext, type User } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { staticAuthHeaders } from '../../src/kube/static-auth.js';

async function clientNodeHeaders(user: User): Promise<Record<string, string>> {
  const kc = new KubeConfig();
  kc.loadFromOptions({ clusters: [{ name: 'c', server: 'https://127.0.0.1:6443', skipTLSVerify: false }], users: [user], contexts: [{ name: 'x', cluster: 'c', user: user.name }], currentContext: 'x' });
  const ctx = new RequestContext('https://127.0.0.1:6443/version', HttpMethod.GET);
  await kc.applySecurityAuthentication(ctx);
  return ctx.getHeaders();
}

const USERS: User[] = [
  { name: 'token', token: 'abc.def' },
  { name: 'basic', username: 'admin', password: 's3cret:with:colons' },
  { name: 'token-wins-over-basic', token: 't', username: 'u', password: 'p' },
  { name: 'impersonating', token: 't', impersonateUser: 'jane@example.com' },
  { name: 'cert-only', certData: 'Y2VydA==', keyData: 'a2V5' },
  { name: 'anonymous' },
];

describe('staticAuthHeaders', () => {
  for (const user of USERS) {
    it(`${user.name}: the headers client-node sets`, async () => {
      expect(staticAuthHeaders(user)).toEqual(await clientNodeHeaders(user));
    });
  }

  it('leaves auth providers and exec plugins to client-node and the exec credential source', () => {
    expect(staticAuthHeaders({ name: 'oidc', authProvider: { name: 'oidc', config: { 'id-token': 'x' } } })).toBeUndefined();
    expect(staticAuthHeaders({ name: 'exec', exec: { command: 'aws', apiVersion: 'client.authentication.k8s.io/v1' } })).toBeUndefined();
  });
});
