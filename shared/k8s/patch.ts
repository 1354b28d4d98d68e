import jsonpatch, { type Operation } from 'fast-json-patch';
import { jsonBytes, MAX_JSON_PATCH_COPY_BYTES, MAX_JSON_PATCH_OPERATIONS, MAX_NESTING_DEPTH, nestingDepth, tooDeep } from '../api/limits';
import { ApiError, badRequest } from '../api/status';

const { applyOperation, getValueByPointer, JsonPatchError, validator } = jsonpatch;

type Json = unknown;
const isObject = (v: Json): v is Record<string, Json> => !!v && typeof v === 'object' && !Array.isArray(v);

/** RFC 7386: objects merge recursively, null deletes, anything else (arrays too) replaces. */
export function mergePatch(target: Json, patch: Json): Json {
  if (!isObject(patch)) return patch;
  const result: Record<string, Json> = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete result[k];
    else result[k] = mergePatch(result[k], v);
  }
  return result;
}

const rejected = (message: string) => new ApiError(422, 'Invalid', `the server rejected our request due to an error in our request: ${message}`);

/**
 * The library's checks of one operation against the document, minus the one that clones the whole
 * document for every `move` and `copy` (10 000 of them would copy it 10 000 times).
 */
function checkOperation(operation: Operation, index: number, document: unknown, existing: string) {
  validator(operation, index);
  if (document === undefined) return;
  const fail = (message: string, name: string) => {
    throw new JsonPatchError(message, name as never, index, operation, document);
  };
  if (operation.op === 'add') {
    const depth = operation.path.split('/').length;
    const known = existing.split('/').length;
    if (depth !== known + 1 && depth !== known) fail('Cannot perform an `add` operation at the desired path', 'OPERATION_PATH_CANNOT_ADD');
  } else if (operation.op === 'replace' || operation.op === 'remove' || operation.op === '_get') {
    if (operation.path !== existing) fail('Cannot perform the operation at a path that does not exist', 'OPERATION_PATH_UNRESOLVABLE');
  } else if ((operation.op === 'move' || operation.op === 'copy') && getValueByPointer(document, operation.from) === undefined) {
    fail('Cannot perform the operation from a path that does not exist', 'OPERATION_FROM_UNRESOLVABLE');
  }
  // RFC 6902 §4.4: a value cannot move into one of its own children (the document would contain itself).
  if (operation.op === 'move' && operation.path.startsWith(`${operation.from}/`)) {
    fail('Cannot move a value into one of its own children', 'OPERATION_PATH_ILLEGAL');
  }
}

/**
 * RFC 6902 with `test`; a failed test or a bad path is a 422 as the apiserver answers. Bounded as the
 * apiserver bounds it: at most 10 000 operations (413), and `copy` may add at most 3 MiB in all (422),
 * so a small patch cannot double a field until the process runs out of memory.
 */
export function jsonPatch(target: Json, patch: Json): Json {
  if (!Array.isArray(patch)) throw badRequest('a JSON patch must be an array of operations');
  if (patch.length > MAX_JSON_PATCH_OPERATIONS) {
    throw new ApiError(413, 'RequestEntityTooLarge', `Request entity too large: The allowed maximum operations in a JSON patch is ${MAX_JSON_PATCH_OPERATIONS}, got ${patch.length}`);
  }
  let document = structuredClone(target);
  let copied = 0;
  for (let i = 0; i < patch.length; i++) {
    const operation = patch[i] as Operation;
    try {
      validator(operation, i);
      if (operation.op === 'copy') {
        const value = getValueByPointer(document, operation.from);
        copied += value === undefined ? 0 : jsonBytes(value);
        if (copied > MAX_JSON_PATCH_COPY_BYTES) {
          throw rejected(`Unable to complete the copy, the accumulated size increase of copy is ${Number.isFinite(copied) ? copied : 'unbounded'}, exceeding the limit ${MAX_JSON_PATCH_COPY_BYTES}`);
        }
      }
      document = applyOperation(document, operation, checkOperation as never, true, true, i).newDocument;
    } catch (err) {
      if (err instanceof ApiError) throw err;
      const error = err as { name?: string; message?: string; operation?: { path?: string } };
      if (error.name === 'TEST_OPERATION_FAILED') throw rejected(`testing value at ${error.operation?.path} failed`);
      throw rejected(String(error.message ?? err).split('\n')[0]);
    }
  }
  if (nestingDepth(document) > MAX_NESTING_DEPTH) throw tooDeep();
  return document;
}
