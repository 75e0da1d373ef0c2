// Go's http.ProxyFromEnvironment rules (golang.org/x/net/http/httpproxy), which client-go uses
// when a cluster has no proxy-url, and the proxy schemes kubectl accepts.
import { describe, expect, it } from 'vitest';
import { effectiveProxy, makeDispatcher, proxyFromEnvironment, ProxyConfigError } from '../../src/kube/proxy.js';

describe('proxyFromEnvironment (Go httpproxy)', () => {
  const env = { HTTPS_PROXY: 'proxy.corp:3128', HTTP_PROXY: 'http://plain.corp:80', NO_PROXY: '.internal,10.0.0.0/8,exact.example,api.example:8443' };
  it.each([
    ['https://k8s.example.com', 'http://proxy.corp:3128'], // no scheme: http://
    ['http://k8s.example.com', 'http://plain.corp:80'],
    ['https://a.internal:6443', undefined], // leading-dot domain
    ['https://10.1.2.3:6443', undefined], // CIDR
    ['https://11.1.2.3:6443', 'http://proxy.corp:3128'],
    ['https://exact.example', undefined],
    ['https://sub.exact.example', undefined], // a bare domain covers its subdomains
    ['https://notexact.example', 'http://proxy.corp:3128'],
    ['https://api.example:8443', undefined], // host:port entry
    ['https://api.example:6443', 'http://proxy.corp:3128'],
    ['https://127.0.0.1:6443', undefined], // loopback is never proxied
    ['https://localhost:6443', undefined],
    ['https://[::1]:6443', undefined],
  ])('%s → %s', (server, want) => {
    expect(proxyFromEnvironment(server, env)).toBe(want);
  });
  it('lowercase variables, * in NO_PROXY, and proxy-url first', () => {
    expect(proxyFromEnvironment('https://x.example', { https_proxy: 'socks5://s:1080' })).toBe('socks5://s:1080');
    expect(proxyFromEnvironment('https://x.example', { https_proxy: 'socks5://s:1080', no_proxy: '*' })).toBeUndefined();
    expect(effectiveProxy('https://x.example', 'http://from-kubeconfig:3128', { HTTPS_PROXY: 'http://env:1' })).toBe('http://from-kubeconfig:3128');
  });
  it('an unsupported proxy scheme is refused with the scheme named', () => {
    expect(() => makeDispatcher('ftp://p:21', {}, { headersTimeout: 1, bodyTimeout: 1, connectTimeoutMs: 1 })).toThrow(ProxyConfigError);
    expect(() => makeDispatcher('ftp://p:21', {}, { headersTimeout: 1, bodyTimeout: 1, connectTimeoutMs: 1 })).toThrow(/unsupported proxy scheme "ftp"/);
  });
});
