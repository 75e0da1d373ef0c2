// A Secret's data as people read it: each value base64-decoded; a value that is not text
// (invalid UTF-8, or control characters other than tab and newline) is shown as
// "<binary, N bytes>" rather than as bytes that could drive a terminal. stringData is
// already text. Pure.
import { isRecord } from './access.js';
import type { KubeObject } from './types.js';

const TEXT = /^[^\u0000-\u0008\u000b-\u001f\u007f]*$/;

/** One base64 value decoded, or the binary marker. */
export function decodeSecretValue(b64: string): string {
  const bytes = Buffer.from(b64, 'base64');
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return `<binary, ${bytes.length} bytes>`;
  }
  return TEXT.test(text) ? text : `<binary, ${bytes.length} bytes>`;
}

/** The Secret with `data` decoded (a copy); other kinds unchanged. */
export function decodeSecret(obj: KubeObject): KubeObject {
  if (obj.kind !== 'Secret' || !isRecord(obj.data)) return obj;
  const data = Object.fromEntries(Object.entries(obj.data).map(([k, v]) => [k, typeof v === 'string' ? decodeSecretValue(v) : v]));
  return { ...obj, data };
}
