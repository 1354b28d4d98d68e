// `Warning` headers as the apiserver writes them (k8s.io/apiserver's warning recorder): deduplicated,
// `299 - "text"` with `"` and `\` escaped, and no more than 4096 runes of text in all — past that,
// every warning is cut to 256 runes.

const TOTAL_RUNES = 4 * 1024;
const ITEM_RUNES = 256;

/** Go's header writer turns CR and LF into spaces; other control characters could not be sent at all. */
const printable = (text: string) => text.replace(/[\u0000-\u001f\u007f]/g, ' ');

const quoted = (text: string) => `"${text.replace(/[\\"]/g, (c) => `\\${c}`)}"`;

/**
 * The apiserver sends the text's UTF-8 bytes as they are. A Fetch header holds Latin-1 characters only
 * (anything else throws, which once turned a committed write into a 500), and Node writes header
 * characters as single bytes: so each UTF-8 byte becomes one character, and the client reads UTF-8.
 */
const asHeaderBytes = (text: string) => Buffer.from(text, 'utf8').toString('latin1');

const cut = (text: string, runes: number) => {
  const chars = [...text];
  return chars.length > runes ? chars.slice(0, runes).join('') : text;
};

/** The values of the `Warning` headers for these warning texts. */
export function warningHeaders(texts: string[]): string[] {
  const unique = [...new Set(texts.map(printable).filter(Boolean))];
  const total = unique.reduce((n, t) => n + [...t].length, 0);
  const fitted = total <= TOTAL_RUNES ? unique : unique.map((t) => cut(t, ITEM_RUNES));
  let written = 0;
  const out: string[] = [];
  for (const text of fitted) {
    // Once truncating, the apiserver stops adding warnings when the total is reached again.
    if (total > TOTAL_RUNES && written >= TOTAL_RUNES) break;
    written += [...text].length;
    out.push(asHeaderBytes(`299 - ${quoted(text)}`));
  }
  return out;
}

/** A warning header's text as the client reads it (the inverse of `warningHeaders`, for tests and logs). */
export function warningText(header: string): string {
  const utf8 = Buffer.from(header, 'latin1').toString('utf8');
  const m = /^299 - "(.*)"$/s.exec(utf8);
  return m ? m[1].replace(/\\(.)/g, '$1') : utf8;
}
