// Every error a client sees is a metav1.Status. Handlers throw ApiError; the router's catch turns it
// (or anything unexpected, as a 500) into a Status response.

export interface StatusCause {
  reason?: string;
  message: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
  uid?: string;
}

export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Success' | 'Failure';
  message?: string;
  reason?: string;
  details?: StatusDetails;
  /** Absent on the Success Status a delete answers with, as the apiserver sends it. */
  code?: number;
}

export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: StatusDetails,
  ) {
    super(message);
  }

  toStatus(): Status {
    return failure(this.code, this.reason, this.message, this.details);
  }
}

export function failure(code: number, reason: string, message: string, details?: StatusDetails): Status {
  const status: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
  if (details) status.details = details;
  return status;
}

export function success(details?: StatusDetails): Status {
  const status: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success' };
  if (details) status.details = details;
  return status;
}

/** The `resource.group` form the apiserver uses in messages (`namespaces`, `deployments.apps`). */
export interface Qualified {
  plural: string;
  group: string;
  kind: string;
}

const qualifiedName = (r: Qualified) => (r.group ? `${r.plural}.${r.group}` : r.plural);

export const notFound = (r: Qualified, name: string) =>
  new ApiError(404, 'NotFound', `${qualifiedName(r)} "${name}" not found`, { name, group: r.group, kind: r.plural });

export const alreadyExists = (r: Qualified, name: string) =>
  new ApiError(409, 'AlreadyExists', `${qualifiedName(r)} "${name}" already exists`, {
    name,
    group: r.group,
    kind: r.plural,
  });

export const conflict = (r: Qualified, name: string, why: string) =>
  new ApiError(409, 'Conflict', `Operation cannot be fulfilled on ${qualifiedName(r)} "${name}": ${why}`, {
    name,
    group: r.group,
    kind: r.plural,
  });

export const invalid = (r: Qualified, name: string, causes: StatusCause[]) =>
  {
    const errors = causes.map((c) => (c.field ? `${c.field}: ${c.message}` : c.message));
    const kind = r.group ? `${r.kind}.${r.group}` : r.kind;
    return new ApiError(422, 'Invalid', `${kind} "${name}" is invalid: ${errors.length === 1 ? errors[0] : `[${errors.join(', ')}]`}`, {
      name,
      group: r.group || undefined,
      kind: r.kind,
      causes,
    });
  };

export const badRequest = (message: string) => new ApiError(400, 'BadRequest', message);

export const forbidden = (message: string, details?: StatusDetails) =>
  new ApiError(403, 'Forbidden', message, details);

export const methodNotAllowed = (method: string) =>
  new ApiError(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource (${method})`);

export const unsupportedMediaType = (type: string, accepted = ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf']) =>
  new ApiError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')} (got "${type}")`);

export const notAcceptable = (accept: string) =>
  new ApiError(406, 'NotAcceptable', `only the following media types are accepted: application/json, application/yaml (asked for "${accept}")`);

export const tooLarge = (limit: number) =>
  new ApiError(413, 'RequestEntityTooLarge', `Request entity too large: limit is ${limit}`);

export const unauthorized = () => new ApiError(401, 'Unauthorized', 'Unauthorized');

export const noRoute = () => new ApiError(404, 'NotFound', 'the server could not find the requested resource');

export const gone = (message: string) => new ApiError(410, 'Expired', message);

export const internal = (message: string) =>
  new ApiError(500, 'InternalError', `Internal error occurred: ${message}`);

export function statusResponse(status: Status, headers?: HeadersInit): Response {
  const res = jsonResponse(status, status.code, headers);
  return res;
}

export function jsonResponse(body: unknown, code = 200, headers?: HeadersInit): Response {
  const h = new Headers(headers);
  if (!h.has('content-type')) h.set('content-type', 'application/json');
  return new Response(JSON.stringify(body), { status: code, headers: h });
}

/** Turns whatever a handler threw into a Status response; unknown errors become 500s. */
export function errorResponse(err: unknown): Response {
  if (err instanceof ApiError) return statusResponse(err.toStatus());
  return statusResponse(internal(err instanceof Error ? err.message : String(err)).toStatus());
}

/**
 * For `.catch`: a write that lost a race (the object went, changed, or its namespace began terminating)
 * leaves nothing to do, so those Status codes are swallowed; anything else is rethrown.
 */
export const ignoring =
  (...codes: number[]) =>
  (err: unknown): undefined => {
    if (err instanceof ApiError && codes.includes(err.code)) return undefined;
    throw err;
  };
