import type { Ctx } from '../ctx';
import type { KObject } from '../k8s/meta';
import type { Change } from '../store/object-store';
import { isTrue, rendering as negotiate } from './request';
import type { ResourceDefinition } from './resource';
import { failure } from './status';
import { toTable } from './table';

interface WatchOptions {
  namespace?: string;
  filter: (obj: KObject) => boolean;
}

type EventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

const BOOKMARK_INTERVAL_MS = 60_000;
/** Events a slow client may fall behind by before it is dropped, as the apiserver drops slow watchers. */
const MAX_BACKLOG = 10_000;

/**
 * A watch stream: newline-delimited JSON events, fed by the store's change stream. It starts from the
 * current state (no resourceVersion, or "0"), or replays kept changes after a given resourceVersion; one
 * that is no longer kept gets an ERROR event with a 410 Expired Status, and the client lists again.
 */
export function watchResponse(def: ResourceDefinition, request: Request, ctx: Ctx, opts: WatchOptions): Response {
  const url = new URL(request.url);
  const rendering = negotiate(request);
  const rvParam = url.searchParams.get('resourceVersion') ?? '';
  const sendInitial = isTrue(url.searchParams.get('sendInitialEvents'));
  const bookmarks = isTrue(url.searchParams.get('allowWatchBookmarks'));
  const timeoutParam = Number(url.searchParams.get('timeoutSeconds') ?? 0);
  // Like the apiserver's --min-request-timeout: a watch without timeoutSeconds lasts 30 to 60 minutes.
  const timeoutMs = (timeoutParam > 0 ? timeoutParam : 1800 * (1 + Math.random())) * 1000;
  const encoder = new TextEncoder();
  let columnsSent = false;

  const inScope = (obj: KObject) => (opts.namespace === undefined || obj.metadata.namespace === opts.namespace) && opts.filter(obj);

  const encode = (type: EventType, object: unknown): Uint8Array => {
    let body = object;
    if (rendering.as === 'table' && (type === 'ADDED' || type === 'MODIFIED' || type === 'DELETED')) {
      const obj = object as KObject;
      body = toTable(def, [obj], ctx.clock.now(), rendering, { resourceVersion: obj.metadata.resourceVersion }, !columnsSent);
      columnsSent = true;
    }
    return encoder.encode(`${JSON.stringify({ type, object: body })}\n`);
  };

  const bookmark = (extra: Record<string, string> = {}) => ({
    kind: def.kind,
    apiVersion: def.apiVersion,
    metadata: { resourceVersion: String(ctx.store.resourceVersion), ...(Object.keys(extra).length ? { annotations: extra } : {}) },
  });

  /** Maps a store change onto this watch: objects entering or leaving the selection become ADDED/DELETED. */
  const translate = (change: Change): [EventType, KObject] | undefined => {
    if (change.resource !== def.resource) return undefined;
    const now = inScope(change.object);
    if (change.type !== 'MODIFIED') return now ? [change.type, change.object] : undefined;
    const before = change.previous ? inScope(change.previous) : now;
    if (now && before) return ['MODIFIED', change.object];
    if (now) return ['ADDED', change.object];
    if (before) return ['DELETED', change.object];
    return undefined;
  };

  let cleanup = () => {};
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      let lastRv = 0;
      let closed = false;
      const close = () => {
        if (closed) return;
        closed = true;
        cleanup();
        try {
          controller.close();
        } catch {
          // already closed by the consumer
        }
      };
      const send = (type: EventType, object: unknown) => {
        if (closed) return;
        if ((controller.desiredSize ?? 0) < -MAX_BACKLOG) {
          ctx.log.warn({ resource: def.resource }, 'watch client too slow, closing');
          close();
          return;
        }
        controller.enqueue(encode(type, object));
      };

      // Subscribe first so nothing falls between the backlog and the live stream.
      const pending: Change[] = [];
      let live = false;
      const unsubscribe = ctx.store.subscribe((change) => {
        if (!live) return void pending.push(change);
        if (change.rv <= lastRv) return;
        lastRv = change.rv;
        const event = translate(change);
        if (event) send(event[0], event[1]);
      });

      if (rvParam === '' || rvParam === '0' || sendInitial) {
        lastRv = ctx.store.resourceVersion;
        for (const obj of ctx.store.list(def, opts.namespace)) if (opts.filter(obj)) send('ADDED', obj);
        if (sendInitial) send('BOOKMARK', bookmark({ 'k8s.io/initial-events-end': 'true' }));
      } else {
        const from = Number(rvParam);
        const backlog = Number.isInteger(from) ? ctx.store.changesSince(from) : undefined;
        if (!backlog) {
          send('ERROR', failure(410, 'Expired', `too old resource version: ${rvParam} (${ctx.store.resourceVersion})`));
          unsubscribe();
          close();
          return;
        }
        lastRv = from;
        for (const change of backlog) {
          lastRv = change.rv;
          const event = translate(change);
          if (event) send(event[0], event[1]);
        }
      }
      live = true;
      for (const change of pending) {
        if (change.rv <= lastRv) continue;
        lastRv = change.rv;
        const event = translate(change);
        if (event) send(event[0], event[1]);
      }

      const timer = setTimeout(close, timeoutMs);
      const ticker = bookmarks ? setInterval(() => send('BOOKMARK', bookmark()), BOOKMARK_INTERVAL_MS) : undefined;
      const onAbort = () => close();
      request.signal.addEventListener('abort', onAbort);
      cleanup = () => {
        unsubscribe();
        clearTimeout(timer);
        if (ticker) clearInterval(ticker);
        request.signal.removeEventListener('abort', onAbort);
      };
      if (request.signal.aborted) close();
    },
    cancel() {
      cleanup();
    },
  });

  return new Response(stream, {
    status: 200,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-cache, private' },
  });
}
