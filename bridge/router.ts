import { createHash, timingSafeEqual } from 'node:crypto';
import { Router } from 'itty-router';
import type { RouteHandler } from '../shared/api/handlers';
import { errorResponse, methodNotAllowed, noRoute, unauthorized } from '../shared/api/status';
import type { Ctx } from '../shared/ctx';
import { refusedMethod } from './server';

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Bearer-token check on every route, /healthz included, compared in constant time. */
export function authenticator(token: string) {
  const expected = digest(token);
  return (request: Request): Response | undefined => {
    const header = request.headers.get('authorization') ?? '';
    const match = /^Bearer\s+(.+)$/i.exec(header);
    if (match && timingSafeEqual(digest(match[1].trim()), expected)) return undefined;
    return errorResponse(unauthorized());
  };
}

/**
 * The router mounts every handler module at the paths it declares. Paths that match no route are 404s;
 * paths that exist for another method are 405s, as the apiserver answers.
 */
export function buildRouter(handlers: RouteHandler[], token: string) {
  const router = Router<Request & { params?: Record<string, string> }, [Ctx]>({
    before: [authenticator(token)],
    catch: (err) => errorResponse(err),
  });
  const patterns: Array<{ method: string; regex: RegExp }> = [];
  for (const handler of handlers) {
    for (const path of handler.paths) {
      (router as unknown as Record<string, (p: string, h: RouteHandler) => void>)[handler.method.toLowerCase()](path, handler);
    }
  }
  for (const [method, regex] of router.routes as unknown as Array<[string, RegExp]>) patterns.push({ method, regex });
  router.all('*', (request) => {
    const refused = refusedMethod(request);
    if (refused) throw methodNotAllowed(refused);
    const path = new URL(request.url).pathname;
    const methods = patterns.filter((p) => p.regex.test(path)).map((p) => p.method);
    throw methods.length ? methodNotAllowed(request.method) : noRoute();
  });
  return router;
}
