// `fleetdeck port-forward` listens as kubectl's default `--address localhost` does: on
// 127.0.0.1 and ::1, the same port; one family that cannot be bound is left out, and only
// when neither can is it an error. It listened on 127.0.0.1 alone, so a client resolving
// localhost to ::1 first (curl, browsers on many systems) was refused.
import { createServer, connect, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { listenText, startPortForward, type PortForward } from '../../src/kube/portforward.js';

const client = { openWebSocket: () => Promise.reject(new Error('not in this test')) } as unknown as Parameters<typeof startPortForward>[0];
const target = { namespace: 'shop', pod: 'web-1', port: 80 };
const held: Server[] = [];
const forwards: PortForward[] = [];

afterEach(async () => {
  await Promise.all(forwards.splice(0).map((f) => f.stop()));
  await Promise.all(held.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** Another process's listener on host:port (0: a free one); its port. */
function hold(host: string, port = 0): Promise<number> {
  const s = createServer();
  held.push(s);
  return new Promise((resolve, reject) => {
    s.once('error', reject);
    s.listen(port, host, () => resolve((s.address() as { port: number }).port));
  });
}

const accepts = (host: string, port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const s = connect(port, host);
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });

async function start(localPort: number): Promise<PortForward> {
  const f = await startPortForward(client, target, localPort);
  forwards.push(f);
  return f;
}

describe('port-forward listens on localhost as kubectl does', () => {
  it('a free port: both loopbacks, the same port, printed as kubectl prints them', async () => {
    const f = await start(0);
    expect(f.localPort).toBeGreaterThan(0);
    expect(f.addresses).toEqual([`127.0.0.1:${f.localPort}`, `[::1]:${f.localPort}`]);
    expect(listenText(f)).toBe(`localhost:${f.localPort}`);
    expect(await accepts('127.0.0.1', f.localPort)).toBe(true);
    expect(await accepts('::1', f.localPort)).toBe(true);
    await f.stop();
    expect(await accepts('127.0.0.1', f.localPort)).toBe(false);
    expect(await accepts('::1', f.localPort)).toBe(false);
  });

  it('the port taken on one family only: the other is listened on, and named', async () => {
    const port = await hold('::1');
    const f = await start(port);
    expect(f.addresses).toEqual([`127.0.0.1:${port}`]);
    expect(listenText(f)).toBe(`127.0.0.1:${port}`);
    const port4 = await hold('127.0.0.1');
    const g = await start(port4);
    expect(g.addresses).toEqual([`[::1]:${port4}`]);
  });

  it('the port taken on both: the error, nothing left listening', async () => {
    const port = await hold('127.0.0.1');
    await hold('::1', port);
    await expect(startPortForward(client, target, port)).rejects.toThrow(/EADDRINUSE/);
  });
});
