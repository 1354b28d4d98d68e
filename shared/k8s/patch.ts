import jsonpatch, { type Operation } from 'fast-json-patch';

const { applyPatch, validate } = jsonpatch;
import { ApiError, badRequest } from '../api/status';

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

/** RFC 6902 with `test`; a failed test or a bad path is a 422 as the apiserver answers. */
export function jsonPatch(target: Json, patch: Json): Json {
  if (!Array.isArray(patch)) throw badRequest('a JSON patch must be an array of operations');
  const error = validate(patch as Operation[], target);
  if (error) {
    if (error.name === 'TEST_OPERATION_FAILED') throw new ApiError(422, 'Invalid', `the server rejected our request due to an error in our request: testing value at ${error.operation?.path} failed`);
    throw new ApiError(422, 'Invalid', `the server rejected our request due to an error in our request: ${error.message.split('\n')[0]}`);
  }
  return applyPatch(structuredClone(target), patch as Operation[], false, false).newDocument;
}
