// GET .../pods/NAME/log: the kubelet's container checks (with its exact 400 messages), then
// the retained lines of the PodLogSource filtered by sinceTime/sinceSeconds/tailLines,
// then, with follow, new lines until the client goes or the pod is deleted.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { arr, rec, str } from '../../model/access.js';
import type { KubeObject } from '../../model/types.js';
import type { LogLine, SimCluster } from '../cluster.js';
import { badRequest, notFound } from '../errors.js';

/** RFC3339(Nano) to ms; Date.parse takes at most millisecond fractions. */
function tsMillis(ts: string): number {
  return Date.parse(ts.replace(/(\.\d{3})\d+/, '$1'));
}

function pickContainer(pod: KubeObject, asked: string | null): string {
  const name = pod.metadata.name;
  const mains = arr(pod, 'spec', 'containers').map((c) => str(c, 'name') ?? '');
  const inits = arr(pod, 'spec', 'initContainers').map((c) => str(c, 'name') ?? '');
  // ephemeral containers (kubectl debug) have logs like any other, asked for by name
  const ephemeral = arr(pod, 'spec', 'ephemeralContainers').map((c) => str(c, 'name') ?? '');
  if (asked) {
    if (!mains.includes(asked) && !inits.includes(asked) && !ephemeral.includes(asked)) throw badRequest(`container ${asked} is not valid for pod ${name}`);
    return asked;
  }
  if (mains.length === 1) return mains[0];
  const initPart = inits.length ? ` or one of the init containers: [${inits.join(' ')}]` : '';
  throw badRequest(`a container name must be specified for pod ${name}, choose one of: [${mains.join(' ')}]${initPart}`);
}

/** The kubelet's validateContainerLogStatus, for a simulated container status. */
function checkStatus(pod: KubeObject, container: string, previous: boolean): void {
  const name = pod.metadata.name;
  const statuses = [...arr(pod, 'status', 'containerStatuses'), ...arr(pod, 'status', 'initContainerStatuses'), ...arr(pod, 'status', 'ephemeralContainerStatuses')];
  const st = statuses.find((s) => str(s, 'name') === container);
  const lastTerminated = rec(st, 'lastState', 'terminated');
  if (previous) {
    if (!lastTerminated) throw badRequest(`previous terminated container "${container}" in pod "${name}" not found`);
    return;
  }
  if (rec(st, 'state', 'running') || rec(st, 'state', 'terminated') || lastTerminated) return;
  const reason = str(st, 'state', 'waiting', 'reason') ?? 'ContainerCreating';
  const why: Record<string, string> = {
    ErrImagePull: "image can't be pulled",
    ImagePullBackOff: 'trying and failing to pull image',
  };
  throw badRequest(`container "${container}" in pod "${name}" is waiting to start: ${why[reason] ?? reason}`);
}

export function serveLogs(cluster: SimCluster, ns: string, podName: string, q: URLSearchParams, req: IncomingMessage, res: ServerResponse): void {
  const pod = cluster.store.get('pods', ns, podName);
  if (!pod) throw notFound('pods', '', podName);
  const previous = q.get('previous') === 'true';
  const container = pickContainer(pod, q.get('container'));
  checkStatus(pod, container, previous);

  const timestamps = q.get('timestamps') === 'true';
  const follow = q.get('follow') === 'true';
  const tail = q.has('tailLines') ? Number(q.get('tailLines')) : undefined;
  const limitBytes = q.has('limitBytes') ? Number(q.get('limitBytes')) : undefined;
  const sinceTime = q.get('sinceTime');
  const sinceSeconds = q.get('sinceSeconds');
  const cutoff = sinceTime ? tsMillis(sinceTime) : sinceSeconds ? Date.now() - Number(sinceSeconds) * 1000 : undefined;
  for (const [k, v] of [['tailLines', tail], ['limitBytes', limitBytes]] as const) {
    if (v !== undefined && (!Number.isInteger(v) || v < 0)) throw badRequest(`${k}: Invalid value: must be a non-negative integer`);
  }

  const ref = { namespace: ns, pod: podName, container, previous };
  let lines: LogLine[] = cluster.logs.history(ref) ?? [];
  if (cutoff !== undefined) lines = lines.filter((l) => tsMillis(l.ts) >= cutoff);
  if (tail !== undefined) lines = tail === 0 ? [] : lines.slice(-tail);

  res.writeHead(200, { 'Content-Type': 'text/plain' });
  let sent = 0;
  let done = false;
  const cleanups: (() => void)[] = [];
  const finish = (): void => {
    if (done) return;
    done = true;
    for (const c of cleanups) c();
    res.end();
  };
  const write = (l: LogLine): void => {
    if (done) return;
    if (l.raw && limitBytes === undefined) {
      // bytes as the container wrote them, one per chunk: the client must join split characters
      const bytes = Buffer.concat([Buffer.from(timestamps ? `${l.ts} ` : ''), l.raw, Buffer.from('\n')]);
      for (const b of bytes) res.write(Buffer.of(b));
      return;
    }
    let text = timestamps ? `${l.ts} ${l.text}\n` : `${l.text}\n`;
    if (limitBytes !== undefined && sent + Buffer.byteLength(text) >= limitBytes) {
      text = Buffer.from(text).subarray(0, limitBytes - sent).toString('utf8');
      sent = limitBytes;
      res.write(text);
      finish();
      return;
    }
    sent += Buffer.byteLength(text);
    // a follower that does not read is dropped rather than buffered without bound
    if (!res.write(text) && res.writableLength > 8 * 1024 * 1024) finish();
  };
  for (const l of lines) write(l);
  if (!follow || previous || done) {
    finish();
    return;
  }
  cleanups.push(cluster.logs.subscribe(ref, write));
  cleanups.push(
    cluster.store.subscribe((ev) => {
      if (ev.type === 'DELETED' && ev.key === 'pods' && ev.object.metadata.name === podName && ev.object.metadata.namespace === ns) finish();
    }),
  );
  req.on('close', finish);
  res.on('close', finish);
}
