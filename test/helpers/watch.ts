/** Reads newline-delimited watch events until `count` arrived (or the stream ends), then aborts the request. */
export async function watchEvents(res: Response, count: number, abort: AbortController) {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const out: Array<{ type: string; object: any }> = [];
  while (out.length < count) {
    const { done, value } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let nl;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      out.push(JSON.parse(buffer.slice(0, nl)));
      buffer = buffer.slice(nl + 1);
    }
  }
  abort.abort();
  return out;
}
