// `fleetdeck logs` output lines: the prefix (context/pod/container, timestamp) and notices are
// ours and always pass the one sanitizer; only the container's own line goes to a pipe as
// written with -o raw (as kubectl and stern write it). A tester saw a hostile pod name's
// escape sequence reach the pipe inside the prefix.
import { describe, expect, it } from 'vitest';
import { entryOutput, formatEntry, type LineFormat } from '../../src/cli/logs.js';
import type { LogEntry } from '../../src/logs/types.js';

const hostile: LogEntry = { context: 'dev', namespace: 'checkout', pod: 'hx-\u001b[41m-x', container: 'app\u0007', ts: '2026-12-03T06:00:00Z', text: 'line \u001b]0;T\u0007 end' };
const pipe: LineFormat = { output: 'raw', timestamps: true, terminal: false };

describe('logs output lines', () => {
  it('to a pipe: the prefix and timestamp sanitized, the line as the container wrote it', () => {
    expect(formatEntry(hostile, pipe)).toBe('dev/hx-\\e[41m-x/app\\a 2026-12-03T06:00:00Z line \u001b]0;T\u0007 end');
    const bytes = entryOutput({ ...hostile, raw: Buffer.from('raw \u001b[2J bytes') }, pipe);
    expect(Buffer.from(bytes).toString()).toBe('dev/hx-\\e[41m-x/app\\a 2026-12-03T06:00:00Z raw \u001b[2J bytes\n');
  });

  it('to a terminal: everything sanitized', () => {
    expect(formatEntry(hostile, { ...pipe, terminal: true })).toBe('dev/hx-\\e[41m-x/app\\a 2026-12-03T06:00:00Z line \\e]0;T\\a end');
  });

  it('a notice names the pod sanitized, to a pipe too', () => {
    expect(formatEntry({ ...hostile, container: '', text: '— pod hx-\u001b[41m-x ended —', notice: true }, pipe)).toBe('dev/hx-\\e[41m-x — pod hx-\\e[41m-x ended —');
  });
});
