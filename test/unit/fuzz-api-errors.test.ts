// API error bodies of any shape become one readable line: a Status with or without a
// message, HTML from a proxy, nothing, truncated JSON, huge bodies, terminal escapes,
// credentials echoed back; then seeded random bodies, which must never throw or leak.
import { describe, expect, it } from 'vitest';
import { apiErrorFrom, classify, KubeApiError, readable, redact } from '../../src/kube/errors.js';
import { mulberry32 } from '../../src/model/prng.js';

/** one printable line, bounded */
function expectReadable(message: string): void {
  expect(message.length).toBeGreaterThan(0);
  expect(message.length).toBeLessThanOrEqual(300);
  expect(message).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
}

describe('API error bodies', () => {
  it('takes the message of a Status', () => {
    const e = apiErrorFrom(403, JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code: 403, reason: 'Forbidden', message: 'pods is forbidden: User "x" cannot list resource "pods"' }));
    expect(e).toBeInstanceOf(KubeApiError);
    expect(e).toMatchObject({ code: 403, reason: 'Forbidden', message: 'pods is forbidden: User "x" cannot list resource "pods"' });
    expect(e.status?.kind).toBe('Status');
    expect(classify(e)).toBe('forbidden');
  });

  it('says what a Status without a message is about', () => {
    expect(apiErrorFrom(404, JSON.stringify({ kind: 'Status', code: 404, reason: 'NotFound', details: { name: 'web', kind: 'deployments' } })).message).toBe('404 NotFound: deployments "web"');
    expect(apiErrorFrom(409, JSON.stringify({ kind: 'Status', reason: 'Conflict' })).message).toBe('409 Conflict');
    // wrong types from a broken server are ignored, not printed as [object Object]
    const odd = apiErrorFrom(500, JSON.stringify({ kind: 'Status', reason: 42, message: { nested: true } }));
    expect(odd).toMatchObject({ reason: 'InternalError', message: '500 InternalError' });
  });

  it('reads other JSON error shapes', () => {
    expect(apiErrorFrom(500, '{"message":"boom"}')).toMatchObject({ reason: 'InternalError', message: 'boom' });
    expect(apiErrorFrom(401, '{"error":"invalid_token"}').message).toBe('invalid_token');
    expect(apiErrorFrom(400, '{"error":{"message":"bad thing"}}').message).toBe('bad thing');
    expect(apiErrorFrom(500, '[1,2,3]').message).toMatch(/^500 InternalError/);
  });

  it('shows an HTML page from a proxy by its title, not its markup', () => {
    const nginx = '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.25.3</center>\r\n</body>\r\n</html>\r\n';
    const e = apiErrorFrom(502, nginx);
    expect(e.reason).toBe('BadGateway');
    expect(e.message).toBe('502 BadGateway: the server answered an HTML page, not an API response (a proxy in the way?): "502 Bad Gateway"');
    const h1only = apiErrorFrom(503, '<!DOCTYPE html><html><body><h1>Service &amp; Maintenance</h1><script>var x = "<b>";</script></body></html>');
    expect(h1only.message).toMatch(/"Service & Maintenance"$/);
    const bare = apiErrorFrom(504, '<html><body><p>Gateway   <b>timeout</b></p><style>p{color:red}</style></body></html>');
    expect(bare.message).toMatch(/"Gateway timeout"$/);
    expectReadable(bare.message);
  });

  it('answers an empty body with the code and reason', () => {
    expect(apiErrorFrom(404, '')).toMatchObject({ reason: 'NotFound', message: '404 NotFound' });
    expect(apiErrorFrom(503, '  \n ')).toMatchObject({ reason: 'ServiceUnavailable', message: '503 ServiceUnavailable' });
    expect(apiErrorFrom(599, '').message).toBe('599 HTTP599');
  });

  it('keeps what a truncated Status said before it was cut', () => {
    const full = JSON.stringify({ kind: 'Status', code: 403, reason: 'Forbidden', message: 'pods is forbidden: User "jane" cannot list resource "pods" in API group "" at the cluster scope' });
    const cut = apiErrorFrom(403, full.slice(0, full.indexOf('cannot') + 6));
    expect(cut.message).toBe(`pods is forbidden: User "jane" cannot… (response cut off after ${full.indexOf('cannot') + 6} bytes)`);
    expect(classify(cut)).toBe('forbidden');
    expect(apiErrorFrom(500, '{"kind":"Status","code":5').message).toBe('500 InternalError: unreadable response (JSON cut off after 25 bytes)');
  });

  it('bounds huge bodies to one line', () => {
    const huge = apiErrorFrom(500, 'x'.repeat(5_000_000));
    expectReadable(huge.message);
    expect(huge.message).toMatch(/^500 InternalError: x+ … x+$/);
    const hugeStatus = apiErrorFrom(422, JSON.stringify({ kind: 'Status', reason: 'Invalid', message: `spec: ${'y'.repeat(100_000)}\nline two` }));
    expectReadable(hugeStatus.message);
    expect(hugeStatus.message.startsWith('spec: yyy')).toBe(true);
    expect(hugeStatus.message.endsWith('yyy line two')).toBe(true);
  });

  // kube-apiserver's answer to a /scale patch of 99999999999 replicas: its cause is at the end,
  // after the patch it echoes; cut at the end, the line said "invalid" and never why
  it('a long message keeps its end, where the cause is', () => {
    const patch = JSON.stringify({ apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name: 'web', namespace: 'h48', managedFields: [{ manager: 'kube-controller-manager', operation: 'Update', fieldsV1: { 'f:spec': { 'f:replicas': {} } } }] }, spec: { replicas: 99999999999 } }).repeat(3);
    const e = apiErrorFrom(422, JSON.stringify({ kind: 'Status', reason: 'Invalid', code: 422, message: `Scale.autoscaling "" is invalid: patch: Invalid value: ${JSON.stringify(patch)}: json: cannot unmarshal number 99999999999 into Go struct field ScaleSpec.spec.replicas of type int32` }));
    expectReadable(e.message);
    expect(e.message).toMatch(/^Scale\.autoscaling "" is invalid: patch: Invalid value: /);
    expect(e.message).toMatch(/ … .*json: cannot unmarshal number 99999999999 into Go struct field ScaleSpec\.spec\.replicas of type int32$/);
  });

  it("shows a body's terminal escapes and control characters as visible escapes (the one sanitizer's), never live; colours are dropped", () => {
    const e = apiErrorFrom(500, 'evil \u001b[2J\u001b[31mred\u001b[0m \u001b]0;title\u0007 text\u0000\u0007\nmore');
    // colours (SGR) go: they say nothing on one line
    expect(e.message).toBe('500 InternalError: evil \\e[2Jred \\e]0;title\\a text\\0\\a more');
    expect(apiErrorFrom(400, JSON.stringify({ kind: 'Status', message: 'a\u001b[Hb\tc' })).message).toBe('a\\e[Hb c');
    // a name with an escape in a NotFound reads as the object was named (kubectl shows ^[ there)
    expect(apiErrorFrom(404, JSON.stringify({ kind: 'Status', reason: 'NotFound', message: 'deployments.apps "hx-\u001b]0;T\u0007" not found' })).message).toBe('deployments.apps "hx-\\e]0;T\\a" not found');
  });

  it('masks credentials a proxy echoes back', () => {
    const page = '<html><body><pre>GET /api/v1/pods\nAuthorization: Bearer sim-alpha-0123456789abcdef\nHost: x</pre></body></html>';
    const e = apiErrorFrom(400, page);
    expect(e.message).not.toMatch(/sim-alpha-0123456789abcdef/);
    expect(apiErrorFrom(401, 'bad header "authorization": "Bearer abc.def.ghi"').message).not.toMatch(/abc\.def/);
    expect(apiErrorFrom(401, '{"message":"token eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJqYW5lIn0.c2lnbmF0dXJl expired"}').message).toBe('token <redacted JWT> expired');
    const pem = '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----';
    expect(redact(`key: ${pem} end`)).toBe('key: <redacted PEM> end');
    expect(readable('client-key-data: LS0tLS1CRUdJTg== and password=hunter2')).toBe('client-key-data: <redacted> and password=<redacted>');
  });
});

describe('random error bodies (seeded)', () => {
  it('never throw, always give one readable line, never echo the token', () => {
    const rand = mulberry32(1312);
    const token = 'sim-fuzz-5ecr3t70k3n';
    const pieces = [
      '{', '}', '[', ']', '"', ':', ',', '<', '>', '</title>', '<title>', '<html>', '\\', '\u001b[', '\u0000', '\n', 'null', 'true', '12',
      '"kind":"Status"', '"message":', '"reason":', '"details":{', '"code":', `Bearer ${token}`, `Authorization: Bearer ${token}`, 'é', '😀', '&amp;', ' ',
    ];
    for (let i = 0; i < 3000; i++) {
      let body = '';
      const n = Math.floor(rand() * 40);
      for (let j = 0; j < n; j++) body += pieces[Math.floor(rand() * pieces.length)];
      if (rand() < 0.1) body = body.slice(0, Math.floor(rand() * body.length));
      const code = 400 + Math.floor(rand() * 200);
      const e = apiErrorFrom(code, body);
      expect(e.code).toBe(code);
      expect(typeof e.reason).toBe('string');
      expectReadable(e.message);
      expect(e.message).not.toContain(token);
    }
  });
});
