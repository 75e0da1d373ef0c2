// When frames are drawn and when a typed filter is applied. Cluster events ask for frames at
// any rate; those are coalesced to at most one per `spacingMs` (never a redraw per event).
// A frame that answers a key (or the filter the key typed) need not wait out that spacing:
// it is drawn as soon as the last frame is `inputSpacingMs` old. Timers are the global ones,
// so tests drive them with fake timers.

export interface FrameScheduler {
  /** a frame soon: after `spacingMs` since the last one, or `inputSpacingMs` when `input` */
  request(input?: boolean): void;
  /** a frame is waiting for its time */
  readonly pending: boolean;
  cancel(): void;
}

export function frameScheduler(draw: () => void, opts: { spacingMs: number; inputSpacingMs: number }): FrameScheduler {
  let timer: NodeJS.Timeout | undefined;
  /** when the waiting frame is due */
  let due = 0;
  let last = -Infinity;
  const run = (): void => {
    timer = undefined;
    last = Date.now();
    draw();
  };
  return {
    request(input = false) {
      const at = Math.max(Date.now(), last + (input ? opts.inputSpacingMs : opts.spacingMs));
      // a frame already waiting is moved only earlier: later requests join it
      if (timer && due <= at) return;
      clearTimeout(timer);
      due = at;
      timer = setTimeout(run, at - Date.now());
    },
    get pending() {
      return timer !== undefined;
    },
    cancel() {
      clearTimeout(timer);
      timer = undefined;
    },
  };
}

/**
 * Calls `fn` at once when it has not run for `ms` (the first key typed after a pause applies
 * at once), else once when `ms` have passed since it last ran: a burst of calls runs it at most
 * once per `ms`, the burst's last call included. Timed from when it last ran, not from the last
 * call: a key read late (the event loop was busy) right before the next one is not held back
 * a whole window after that one.
 */
export function leadingThrottle(fn: () => void, ms: number): { call(): void; cancel(): void } {
  let timer: NodeJS.Timeout | undefined;
  let ran = -Infinity;
  let trailing = false;
  const run = (): void => {
    ran = Date.now();
    fn();
    // the window after a run: calls within it wait for its end
    timer = setTimeout(end, ms);
  };
  const end = (): void => {
    timer = undefined;
    if (!trailing) return;
    trailing = false;
    run();
  };
  return {
    call() {
      if (timer) {
        trailing = true;
        return;
      }
      const wait = ran + ms - Date.now();
      if (wait <= 0) return run();
      trailing = true;
      timer = setTimeout(end, wait);
    },
    cancel() {
      clearTimeout(timer);
      timer = undefined;
      trailing = false;
    },
  };
}
