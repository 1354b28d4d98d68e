// The apiserver's limits on what one request may make the server hold or compute, in one place.
import type { KObject } from '../k8s/meta';
import { ApiError, type StatusCause } from './status';

/** A request body (the apiserver's --max-request-bytes default). */
export const MAX_BODY_BYTES = 3 * 1024 * 1024;

/** A stored object, encoded: etcd's default request limit, which bounds every object of a real cluster. */
export const MAX_OBJECT_BYTES = 1.5 * 1024 * 1024;

/** metadata.annotations, keys and values together (apimachinery's TotalAnnotationSizeLimitB). */
export const MAX_ANNOTATIONS_BYTES = 256 * 1024;

/** Operations in one JSON patch (the apiserver's maxJSONPatchOperations). */
export const MAX_JSON_PATCH_OPERATIONS = 10_000;

/** What `copy` operations of one JSON patch may add in all (the apiserver's JSONPatchMaxCopyBytes). */
export const MAX_JSON_PATCH_COPY_BYTES = 3 * 1024 * 1024;

/**
 * Nesting of a decoded body. No built-in kind comes near it (a Deployment's deepest field is ~20 levels);
 * it keeps every recursive walk over objects (validation, patches, field sets) far from the stack's end.
 */
export const MAX_NESTING_DEPTH = 100;

/** The size of a value as JSON, in bytes; a value that cannot be encoded counts as too large. */
export function jsonBytes(value: unknown): number {
  try {
    return Buffer.byteLength(JSON.stringify(value) ?? '');
  } catch {
    return Infinity;
  }
}

/** How deep arrays and objects nest in `value`, counted without recursion and stopping past `max`. */
export function nestingDepth(value: unknown, max = MAX_NESTING_DEPTH): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (!v || typeof v !== 'object') continue;
    if (depth > deepest) deepest = depth;
    if (deepest > max) return deepest;
    for (const child of Array.isArray(v) ? v : Object.values(v)) if (child && typeof child === 'object') stack.push([child, depth + 1]);
  }
  return deepest;
}

export const tooDeep = (max = MAX_NESTING_DEPTH) => new ApiError(400, 'BadRequest', `the request body is nested more than ${max} levels deep`);

/** A 413 for an object that would be stored too large, as the apiserver answers when etcd refuses one. */
export function checkObjectSize(obj: unknown): void {
  const size = jsonBytes(obj);
  if (size > MAX_OBJECT_BYTES) {
    throw new ApiError(413, 'RequestEntityTooLarge', `Request entity too large: the object is ${Number.isFinite(size) ? size : 'too many'} bytes, limit is ${MAX_OBJECT_BYTES}`);
  }
}

/** The apiserver's check of the annotations' total size. */
export function annotationCauses(obj: KObject): StatusCause[] {
  let total = 0;
  for (const [k, v] of Object.entries(obj.metadata?.annotations ?? {})) total += Buffer.byteLength(k) + Buffer.byteLength(String(v));
  if (total <= MAX_ANNOTATIONS_BYTES) return [];
  return [{ reason: 'FieldValueTooLong', field: 'metadata.annotations', message: `Too long: must have at most ${MAX_ANNOTATIONS_BYTES} bytes` }];
}
