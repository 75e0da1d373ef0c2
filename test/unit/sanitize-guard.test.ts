// Guard: every writer of text to a terminal goes through the one sanitizer. A new
// `stdout.write(...)`, `stderr.write(...)` (sockets and exec sessions are not terminals), `console.log(...)` or blessed `setContent(...)` (or a line layer's `setLines(...)`)
// anywhere in src/ (the simulated cluster aside) fails here unless its argument passes a
// sanitizing function, or the line says `// terminal-safe: <why>` (text that holds no
// cluster data at all).
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const SRC = join(ROOT, 'src');
/** Functions whose result is terminal-safe: the sanitizer's, and renderers that apply it inside (tested separately). */
const SAFE = /\b(termText|termLine|termLines|jsonForTerminal|entryOutput|entriesOutput|renderStatusTable|renderTreeText|renderCompare|renderTraces|renderChanges|gate|escapeTags|paint)\(/;
const WRITER = /(\b(stdout|stderr)\.write\(|console\.(log|error|warn|info)\(|\.setContent\(|\.setLines\(|\bcontent:\s)/;

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? files(join(dir, d.name)) : d.name.endsWith('.ts') ? [join(dir, d.name)] : []));
}

/** The text of a call starting at `at` up to its closing parenthesis (strings and templates skipped). */
function callText(src: string, at: number): string {
  let depth = 0;
  let quote: string | undefined;
  for (let i = at; i < src.length; i++) {
    const ch = src[i];
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = undefined;
      continue;
    }
    if (ch === '"' || ch === "'" || ch === '`') quote = ch;
    else if (ch === '(') depth++;
    else if (ch === ')' && --depth === 0) return src.slice(at, i + 1);
    else if (ch === '\n' && depth === 0) return src.slice(at, i);
  }
  return src.slice(at);
}

describe('terminal writers', () => {
  it('every writer in src/ passes its text through the sanitizer', () => {
    const offenders: string[] = [];
    for (const file of files(SRC)) {
      const rel = relative(ROOT, file);
      // the simulated cluster writes HTTP bodies and its own banner; the sanitizer defines the rules
      if (rel.startsWith('src/sim/') || rel === 'src/model/sanitize.ts') continue;
      const src = readFileSync(file, 'utf8');
      const lines = src.split('\n');
      let offset = 0;
      for (const [i, line] of lines.entries()) {
        const m = WRITER.exec(line);
        if (m && !/^\s*(\/\/|\*)/.test(line) && !line.includes('terminal-safe:')) {
          const call = callText(src, offset + m.index);
          // a stubbed writer (() => true), a function reference or a declaration is not a write
          const isStub = /\.write = |write: \(/.test(line);
          if (!isStub && !SAFE.test(call)) offenders.push(`${rel}:${i + 1}: ${line.trim()}`);
        }
        offset += line.length + 1;
      }
    }
    expect(offenders).toEqual([]);
  });

  it('the guard itself catches a writer that bypasses the sanitizer', () => {
    const src = 'io.stdout.write(`${obj.metadata.name}\\n`);';
    const m = WRITER.exec(src)!;
    expect(SAFE.test(callText(src, m.index))).toBe(false);
    const ok = 'io.stdout.write(termText(`${obj.metadata.name}\\n`));';
    expect(SAFE.test(callText(ok, WRITER.exec(ok)!.index))).toBe(true);
  });
});
