// What fleetdeck writes never carries credentials or Secret values: audit lines (only the
// request's own fields, Secret payloads masked), the YAML view's default rendering of a
// Secret, and the messages of auth and network errors (exec plugin stderr, socket errors).
import { describe, expect, it } from 'vitest';
import { auditLine } from '../../src/actions/audit.js';
import type { ApiRequest } from '../../src/actions/types.js';
import { KubeAuthError, KubeNetworkError, networkError } from '../../src/kube/errors.js';
import type { KubeObject } from '../../src/model/types.js';
import { maskSecret, MASK, neat } from '../../src/ui/views/yaml.js';

const TOKEN = 'sim-3f9c2a7b1e0d4c5a';
const PASSWORD = 'hunter2-very-secret';
const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('audit lines', () => {
  const entry = (request: ApiRequest) => ({
    context: 'prod-eu',
    action: 'apply',
    object: { kind: 'Secret', namespace: 'payments', name: 'db' },
    request,
    result: { status: 200 },
  });

  it('mask Secret payloads of every write, keeping the keys', () => {
    const writes: ApiRequest[] = [
      { method: 'POST', path: '/api/v1/namespaces/payments/secrets', body: { kind: 'Secret', metadata: { name: 'db' }, data: { password: b64(PASSWORD) }, stringData: { token: TOKEN } } },
      { method: 'PATCH', path: '/api/v1/namespaces/payments/secrets/db', contentType: 'application/merge-patch+json', body: { data: { password: b64(PASSWORD) } } },
      { method: 'PUT', path: '/api/v1/namespaces/payments/secrets/db', body: { kind: 'Secret', metadata: { name: 'db' }, stringData: { token: TOKEN } } },
    ];
    for (const w of writes) {
      const line = auditLine(entry(w), new Date(0), 'alice');
      expect(line).not.toContain(PASSWORD);
      expect(line).not.toContain(b64(PASSWORD));
      expect(line).not.toContain(TOKEN);
      expect(JSON.parse(line).request.path).toBe(w.path);
    }
    expect(auditLine(entry(writes[0]), new Date(0), 'alice')).toMatch(/"password":"<redacted>"/);
  });

  it('carry no headers, even when a caller smuggles them into the request', () => {
    const req = { method: 'PATCH', path: '/apis/apps/v1/namespaces/shop/deployments/web', body: { spec: { replicas: 2 } }, headers: { Authorization: `Bearer ${TOKEN}` } } as ApiRequest;
    const line = auditLine(entry(req), new Date(0), 'alice');
    expect(line).not.toContain(TOKEN);
    expect(line).not.toMatch(/authorization|bearer/i);
  });
});

describe('the YAML view of a Secret', () => {
  it('masks every value by default and drops the last-applied copy that would repeat them', () => {
    const secret: KubeObject = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: 'db',
        namespace: 'payments',
        annotations: { 'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify({ data: { password: b64(PASSWORD) } }), team: 'payments' },
      },
      data: { password: b64(PASSWORD), user: b64('app') },
      stringData: { token: TOKEN },
    };
    const shown = JSON.stringify(maskSecret(neat(secret)));
    expect(shown).not.toContain(b64(PASSWORD));
    expect(shown).not.toContain(TOKEN);
    expect(maskSecret(secret).data).toEqual({ password: MASK, user: MASK });
    expect(JSON.parse(shown).metadata.annotations).toEqual({ team: 'payments' });
    // other kinds are shown as they are
    const cm: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: 'b' } };
    expect(maskSecret(cm)).toBe(cm);
  });
});

describe('auth and network error messages', () => {
  it('mask what an exec plugin prints and strip its colours', () => {
    const e = new KubeAuthError(`context "prod": getting credentials failed: \u001b[31merror\u001b[0m: refresh of "Authorization: Bearer ${TOKEN}" failed\n  token=${TOKEN}`);
    expect(e.message).not.toContain(TOKEN);
    expect(e.message).not.toMatch(/\u001b|\n/);
    expect(e.message).toMatch(/^context "prod": getting credentials failed: error: refresh of "<redacted credential>" failed token=<redacted>$/);
  });

  it('name the cause of a socket error without echoing a URL credential', () => {
    const cause = Object.assign(new Error(`connect ECONNREFUSED 127.0.0.1:1`), { code: 'ECONNREFUSED' });
    const e = networkError(new TypeError('fetch failed', { cause }), 'context "a" (https://127.0.0.1:1)');
    expect(e).toBeInstanceOf(KubeNetworkError);
    expect(e.message).toBe('context "a" (https://127.0.0.1:1): connection refused');
    const odd = networkError(new Error(`proxy said: Proxy-Authorization: Basic ${b64(`u:${PASSWORD}`)}`), 'context "b"');
    expect(odd.message).not.toContain(b64(`u:${PASSWORD}`));
  });
});
