// A pod's STATUS, READY and RESTARTS as `kubectl get pods` computes them (printPod in
// kubectl's printers): init containers first ("Init:1/2", "Init:CrashLoopBackOff"), then the
// last container with a waiting/terminated reason, "Completed"→"Running"/"NotReady" while a
// container still runs, and "Terminating" once deletion started.
import { arr, isRecord, num, str } from '../access.js';
import { parseTime } from '../format.js';

export interface PodStatusText {
  status: string;
  ready: number;
  total: number;
  restarts: number;
  /** epoch ms of the newest container restart (lastState.terminated.finishedAt) */
  lastRestartAt?: number;
}

function terminatedText(t: unknown, prefix: string): string {
  const reason = str(t, 'reason');
  if (reason) return prefix + reason;
  const signal = num(t, 'signal');
  return signal ? `${prefix}Signal:${signal}` : `${prefix}ExitCode:${num(t, 'exitCode') ?? 0}`;
}

function lastRestart(statuses: unknown[]): number | undefined {
  let newest: number | undefined;
  for (const c of statuses) {
    const t = parseTime(str(c, 'lastState', 'terminated', 'finishedAt'));
    if (t !== undefined && (newest === undefined || t > newest)) newest = t;
  }
  return newest;
}

// Objects are immutable once stored (a change replaces the object), so one computation per
// object serves READY, STATUS, RESTARTS, colours and the filter's text.
const memo = new WeakMap<object, PodStatusText>();

/** READY, STATUS and RESTARTS of a pod as kubectl prints them; computed once per object. */
export function podStatusText(pod: unknown): PodStatusText {
  if (!isRecord(pod)) return computePodStatusText(pod);
  let hit = memo.get(pod);
  if (!hit) memo.set(pod, (hit = computePodStatusText(pod)));
  return hit;
}

function computePodStatusText(pod: unknown): PodStatusText {
  let reason = str(pod, 'status', 'reason') || str(pod, 'status', 'phase') || 'Unknown';
  const initSpecs = arr(pod, 'spec', 'initContainers');
  const sidecars = new Set(initSpecs.filter((c) => str(c, 'restartPolicy') === 'Always').map((c) => str(c, 'name')));
  const initStatuses = arr(pod, 'status', 'initContainerStatuses').filter(isRecord);
  const statuses = arr(pod, 'status', 'containerStatuses').filter(isRecord);
  let restarts = 0;
  let ready = 0;
  let initializing = false;

  for (let i = 0; i < initStatuses.length; i++) {
    const c = initStatuses[i];
    restarts += num(c, 'restartCount') ?? 0;
    const term = isRecord(c.state) ? c.state.terminated : undefined;
    const waiting = str(c, 'state', 'waiting', 'reason');
    if (isRecord(term) && num(term, 'exitCode') === 0) continue;
    if (sidecars.has(str(c, 'name')) && c.started === true) {
      if (c.ready === true) ready++;
      continue;
    }
    if (isRecord(term)) reason = terminatedText(term, 'Init:');
    else if (waiting && waiting !== 'PodInitializing') reason = `Init:${waiting}`;
    else reason = `Init:${i}/${initSpecs.length || initStatuses.length}`;
    initializing = true;
    break;
  }

  const initialized = arr(pod, 'status', 'conditions').some((c) => str(c, 'type') === 'Initialized' && str(c, 'status') === 'True');
  if (!initializing || initialized) {
    restarts = 0;
    let hasRunning = false;
    for (let i = statuses.length - 1; i >= 0; i--) {
      const c = statuses[i];
      restarts += num(c, 'restartCount') ?? 0;
      const waiting = str(c, 'state', 'waiting', 'reason');
      const term = isRecord(c.state) ? c.state.terminated : undefined;
      if (waiting) reason = waiting;
      else if (isRecord(term)) reason = terminatedText(term, '');
      else if (c.ready === true && isRecord(c.state) && isRecord(c.state.running)) {
        hasRunning = true;
        ready++;
      }
    }
    if (reason === 'Completed' && hasRunning) {
      const podReady = arr(pod, 'status', 'conditions').some((c) => str(c, 'type') === 'Ready' && str(c, 'status') === 'True');
      reason = podReady ? 'Running' : 'NotReady';
    }
  }

  if (str(pod, 'metadata', 'deletionTimestamp')) reason = str(pod, 'status', 'reason') === 'NodeLost' ? 'Unknown' : 'Terminating';

  const total = arr(pod, 'spec', 'containers').length + sidecars.size;
  const newest = lastRestart([...statuses, ...initStatuses]);
  return { status: reason, ready, total, restarts, ...(newest !== undefined ? { lastRestartAt: newest } : {}) };
}
