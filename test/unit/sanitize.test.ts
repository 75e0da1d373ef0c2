// The one sanitizer (src/model/sanitize.ts): nothing from the cluster drives the terminal, the
// hostile bytes stay readable, and widths are terminal columns.
import { describe, expect, it } from 'vitest';
import { decodeLine, readLogLines } from '../../src/kube/logs.js';
import { charWidth, cutToWidth, displayWidth, escapeUnsafe, fitWidth, hasUnsafe, jsonForTerminal, termLine, termLines, termText, wrapToWidth } from '../../src/model/sanitize.js';
import { mulberry32 } from '../../src/model/prng.js';

const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/;

describe('termLine', () => {
  it('shows escape sequences visibly instead of sending them', () => {
    expect(termLine('\x1b]0;PWNED-TITLE\x07after')).toBe('\\e]0;PWNED-TITLE\\aafter');
    expect(termLine('\x1b[2J\x1b[Hcleared')).toBe('\\e[2J\\e[Hcleared');
    expect(termLine('\x1b[41mred background')).toBe('\\e[41mred background');
    expect(termLine('\x1bP1;2|data\x1b\\')).toBe('\\eP1;2|data\\e\\');
    expect(termLine('\x1b_apc\x1b\\ \x1b^pm\x1b\\ \x1bXsos\x1b\\')).toBe('\\e_apc\\e\\ \\e^pm\\e\\ \\eXsos\\e\\');
    // 8-bit C1 introducers (CSI, OSC, DCS) as code points
    expect(termLine('a\u009b2Jb\u009d0;t\u0007\u0090q')).toBe('a\\x9b2Jb\\x9d0;t\\a\\x90q');
    expect(termLine('nul\x00 bs\x08 del\x7f vt\x0b ff\x0c so\x0e')).toBe('nul\\0 bs\\b del\\x7f vt\\v ff\\f so\\x0e');
  });

  it('keeps a carriage return on the line (visible) and a newline as a space', () => {
    expect(termLine('progress 10%\rprogress 20%')).toBe('progress 10%\\rprogress 20%');
    expect(termLine('first\nsecond\r\nthird')).toBe('first second third');
  });

  it('expands tabs to the next multiple of 8 columns', () => {
    expect(termLine('a\tb')).toBe('a       b');
    expect(termLine('abcdefgh\tb')).toBe('abcdefgh        b');
    expect(termLine('日本\tx')).toBe('日本    x');
  });

  it('shows bidi overrides and replaces lone surrogates', () => {
    expect(termLine('abc\u202edcba')).toBe('abc\\u202edcba');
    // the marks reorder the text around them as the overrides do: escaped alike
    expect(termLine('a\u200fb\u200ec\u061cd')).toBe('a\\u200fb\\u200ec\\u061cd');
    expect(termLine('\u2066x\u2069\u202ay\u202c')).toBe('\\u2066x\\u2069\\u202ay\\u202c');
    expect(hasUnsafe('name\u200f')).toBe(true);
    expect(escapeUnsafe('\u200e')).toBe('\\u200e');
    expect(termLine('x\ud800y\udc00z')).toBe('x\ufffdy\ufffdz');
    expect(termLine('😀')).toBe('😀');
  });

  it('returns clean text unchanged, and is idempotent', () => {
    const clean = 'letsencrypt-prod-missing 日本語 😀 {bold}';
    expect(termLine(clean)).toBe(clean);
    const hostile = '\x1b]0;x\x07\t\r\n\u009b\ud800';
    expect(termLine(termLine(hostile))).toBe(termLine(hostile));
  });

  it('never lets a control character through, whatever the input (seeded)', () => {
    const rnd = mulberry32(1616);
    for (let n = 0; n < 2000; n++) {
      let s = '';
      const len = Math.floor(rnd() * 40);
      for (let i = 0; i < len; i++) {
        const r = rnd();
        s += r < 0.3 ? String.fromCharCode(Math.floor(rnd() * 0x20)) : r < 0.4 ? String.fromCharCode(0x7f + Math.floor(rnd() * 0x21)) : r < 0.5 ? String.fromCharCode(0xd800 + Math.floor(rnd() * 0x800)) : String.fromCodePoint(Math.floor(rnd() * 0x1ffff));
      }
      const out = termLine(s);
      expect(CONTROL.test(out)).toBe(false);
      expect(hasUnsafe(out)).toBe(false);
      expect(out.includes('\t')).toBe(false);
      expect(() => encodeURIComponent(out)).not.toThrow(); // well-formed UTF-16
    }
  });

  it('termLines and termText keep the line structure', () => {
    expect(termLines('a\r\nb\x1b[1m\nc')).toEqual(['a', 'b\\e[1m', 'c']);
    expect(termText('x\x07\ny\n')).toBe('x\\a\ny\n');
  });
});

describe('widths', () => {
  it('counts CJK and emoji as two columns, combining marks and ZWJ as zero', () => {
    expect(displayWidth('abc')).toBe(3);
    expect(displayWidth('日本語')).toBe(6);
    expect(displayWidth('😀')).toBe(2);
    expect(displayWidth('e\u0301')).toBe(1);
    expect(charWidth(0x200d)).toBe(0);
    expect(charWidth(0xfe0f)).toBe(0);
    expect(displayWidth('한국어')).toBe(6);
    expect(displayWidth('ｆｕｌｌ')).toBe(8);
  });

  it('cuts and fits without splitting a wide character', () => {
    expect(cutToWidth('日本語', 5)).toBe('日本');
    expect(fitWidth('日本語テキスト', 6)).toBe('日本 …');
    expect(displayWidth(fitWidth('日本語テキスト', 6))).toBe(6);
    expect(fitWidth('ab', 5, 'right')).toBe('   ab');
    expect(fitWidth('😀x', 3)).toBe('😀x');
    expect(cutToWidth('e\u0301x', 1)).toBe('e\u0301');
  });

  it('fits every string to exactly the width asked (seeded)', () => {
    const rnd = mulberry32(77);
    const alphabet = ['a', 'Z', ' ', '日', '本', '😀', '\u0301', 'é', '한', '🇯', '\u200d', '-'];
    for (let n = 0; n < 1000; n++) {
      let s = '';
      for (let i = Math.floor(rnd() * 30); i > 0; i--) s += alphabet[Math.floor(rnd() * alphabet.length)];
      const w = 1 + Math.floor(rnd() * 20);
      expect(displayWidth(fitWidth(s, w))).toBe(w);
      for (const row of wrapToWidth(s, Math.max(2, w))) expect(displayWidth(row)).toBeLessThanOrEqual(Math.max(2, w));
      expect(wrapToWidth(s, Math.max(2, w)).join('')).toBe(s);
    }
  });
});

describe('jsonForTerminal', () => {
  it('escapes C0, DEL, C1 and bidi controls, and parses back to the same value', () => {
    const v = { message: '\x1b]0;t\x07 \u009b2J \x7f \u202e \u2028 \u200f \u200e \u061c 日本 😀' };
    const out = jsonForTerminal(v);
    expect(CONTROL.test(out)).toBe(false);
    expect(out).not.toMatch(/[\u061c\u200e\u200f\u202a-\u202e\u2028\u2029]/);
    expect(out).toContain('\\u200f \\u200e \\u061c');
    expect(JSON.parse(out)).toEqual(v);
  });
});

describe('log lines from bytes', () => {
  const chunks = async function* (parts: Uint8Array[]) {
    for (const p of parts) yield p;
  };

  it('keeps a multi-byte character whose bytes arrive in separate chunks', async () => {
    const bytes = Buffer.from('2026-01-01T00:00:00.000000001Z 日本語 😀 ok\n');
    const lines = [];
    for await (const l of readLogLines(chunks([...bytes].map((b) => Uint8Array.of(b))))) lines.push(l);
    expect(lines).toEqual([{ ts: '2026-01-01T00:00:00.000000001Z', text: '日本語 😀 ok' }]);
  });

  it('decodes invalid UTF-8 to U+FFFD and keeps the bytes as they came', () => {
    const bytes = Buffer.concat([Buffer.from('2026-01-01T00:00:00Z bad '), Buffer.from([0xff, 0xc3, 0x28, 0xe2, 0x82]), Buffer.from(' end')]);
    const l = decodeLine(bytes);
    expect(l.ts).toBe('2026-01-01T00:00:00Z');
    expect(l.text).toBe('bad \ufffd\ufffd(\ufffd end');
    expect(Buffer.from(l.raw!)).toEqual(Buffer.concat([Buffer.from('bad '), Buffer.from([0xff, 0xc3, 0x28, 0xe2, 0x82]), Buffer.from(' end')]));
    expect(decodeLine(Buffer.from('valid ✓')).raw).toBeUndefined();
  });

  it('any chunking gives every line once, each as decodeLine reads it alone (a chunk of valid lines is decoded at once)', async () => {
    const texts = ['2026-01-01T00:00:01.000000001Z one', '', '2026-01-01T00:00:02Z 日本語 😀', 'no stamp\r', '2026-01-01T00:00:03Z crlf\r'];
    const bad = Buffer.concat([Buffer.from('2026-01-01T00:00:04Z bad '), Buffer.from([0xff, 0xe2, 0x82]), Buffer.from(' end')]);
    const body = Buffer.concat([...texts.map((t) => Buffer.from(`${t}\n`)), bad, Buffer.from('\n2026-01-01T00:00:05Z after\npartial')]);
    const want = [...texts.map((t) => decodeLine(Buffer.from(t.replace(/\r$/, '')))), decodeLine(bad), decodeLine(Buffer.from('2026-01-01T00:00:05Z after'))];
    let seed = 7;
    const rnd = (n: number): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
    for (let run = 0; run < 50; run++) {
      const parts: Uint8Array[] = [];
      for (let at = 0; at < body.length; ) {
        const n = run === 0 ? body.length : 1 + rnd(12);
        parts.push(Uint8Array.from(body.subarray(at, at + n)));
        at += n;
      }
      const lines = [];
      for await (const l of readLogLines(chunks(parts))) lines.push(l);
      expect(lines).toEqual(want);
    }
  });

  it('strips a CRLF line end and keeps an inner carriage return for the sanitizer to show', async () => {
    const lines = [];
    for await (const l of readLogLines(chunks([Buffer.from('a\rb\r\nc\n')]))) lines.push(l.text);
    expect(lines).toEqual(['a\rb', 'c']);
    expect(termLine(lines[0])).toBe('a\\rb');
  });
});
