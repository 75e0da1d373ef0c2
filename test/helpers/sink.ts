// What a CLI command writes, kept as text: a Writable for its stdout/stderr, and `fleetdeck
// status` run in-process with both captured.
import { Writable } from 'node:stream';
import { defaultAppConfig } from '../../src/config/app-config.js';
import { runStatusCommand, type StatusOptions } from '../../src/cli/status.js';

/** A stream that keeps everything written to it in `text`; `isTTY` as a terminal would say. */
export class Sink extends Writable {
  text = '';
  constructor(readonly isTTY = false) {
    super();
  }
  override _write(chunk: Buffer, _enc: string, cb: () => void): void {
    this.text += chunk.toString();
    cb();
  }
}

/**
 * `fleetdeck status` with the default app config and a 30 s timeout unless `opts` says
 * otherwise; stdout a terminal when `tty`. Returns its exit code and both streams' text.
 */
export async function runStatus(opts: Partial<StatusOptions>, tty = false): Promise<{ code: number; out: string; err: string }> {
  const stdout = new Sink(tty);
  const stderr = new Sink();
  const code = await runStatusCommand({ config: defaultAppConfig(), timeoutMs: 30_000, ...opts }, { stdout, stderr, env: {} });
  return { code, out: stdout.text, err: stderr.text };
}
