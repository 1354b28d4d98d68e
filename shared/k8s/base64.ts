// `[]byte` fields (Secret data, ConfigMap binaryData) are standard base64 in JSON. The apiserver decodes them
// with Go's encoding/base64, which is stricter than Node's Buffer.from (padding is required, anything outside
// the alphabet is an error) and names the offset of the first bad byte; clients see that message.

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DECODE = new Int16Array(256).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) DECODE[ALPHABET.charCodeAt(i)] = i;

const isNewline = (c: number) => c === 0x0a || c === 0x0d;

/**
 * Go's `base64.StdEncoding.DecodeString`: the bytes, or the offset Go reports as
 * `illegal base64 data at input byte N`. Newlines are skipped, as Go does.
 */
export function decodeBase64(text: string): { bytes: Buffer } | { offset: number } {
  const src = Buffer.from(text, 'utf8');
  const out: number[] = [];
  let si = 0;
  const dbuf = [0, 0, 0, 0];
  while (si < src.length) {
    let dlen = 4;
    let end = false;
    for (let j = 0; j < 4; j++) {
      if (si === src.length) {
        if (j === 0) return { bytes: Buffer.from(out) };
        return { offset: si - j };
      }
      const c = src[si++];
      const v = DECODE[c];
      if (v >= 0) {
        dbuf[j] = v;
        continue;
      }
      if (isNewline(c)) {
        j--;
        continue;
      }
      if (c !== 0x3d) return { offset: si - 1 };
      // Padding: only after two or three characters of the quantum.
      if (j === 0 || j === 1) return { offset: si - 1 };
      if (j === 2) {
        while (si < src.length && isNewline(src[si])) si++;
        if (si === src.length) return { offset: src.length };
        if (src[si] !== 0x3d) return { offset: si - 1 };
        si++;
      }
      while (si < src.length && isNewline(src[si])) si++;
      if (si < src.length) return { offset: si };
      dlen = j;
      end = true;
      break;
    }
    const n = (dbuf[0] << 18) | (dbuf[1] << 12) | (dbuf[2] << 6) | dbuf[3];
    if (dlen >= 2) out.push((n >> 16) & 0xff);
    if (dlen >= 3) out.push((n >> 8) & 0xff);
    if (dlen >= 4) out.push(n & 0xff);
    if (end) break;
  }
  return { bytes: Buffer.from(out) };
}
