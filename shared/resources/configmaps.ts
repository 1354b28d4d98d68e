import { z } from 'zod';
import { defineResource } from '../api/resource';
import type { StatusCause } from '../api/status';
import { typeMeta, type KObject } from '../k8s/meta';
import { age } from '../k8s/time';
import { bytesOf, canonicalBytes, immutableCauses, keyCauses, MAX_DATA_BYTES, tooLong } from './config-data';

export const ConfigMapSchema = z
  .looseObject({
    ...typeMeta,
    immutable: z
      .boolean()
      .optional()
      .describe('Immutable, if set to true, ensures that data stored in the ConfigMap cannot be updated (only object metadata can be modified). If not set to true, the field can be modified at any time. Defaulted to nil.'),
    data: z
      .record(z.string(), z.string())
      .optional()
      .describe("Data contains the configuration data. Each key must consist of alphanumeric characters, '-', '_' or '.'. Values with non-UTF-8 byte sequences must use the BinaryData field. The keys stored in Data must not overlap with the keys in the BinaryData field, this is enforced during validation process."),
    binaryData: z
      .record(z.string(), z.string().meta({ format: 'byte' }))
      .optional()
      .describe("BinaryData contains the binary data. Each key must consist of alphanumeric characters, '-', '_' or '.'. BinaryData can contain byte sequences that are not in the UTF-8 range. The keys stored in BinaryData must not overlap with the ones in the Data field, this is enforced during validation process. Using this field will require 1.10+ apiserver and kubelet."),
  })
  .meta({ id: 'io.k8s.api.core.v1.ConfigMap', description: 'ConfigMap holds configuration data for pods to consume.' });

export type ConfigMap = KObject & { immutable?: boolean; data?: Record<string, string>; binaryData?: Record<string, string> };

/** ValidateConfigMap and ValidateConfigMapUpdate, with the apiserver's field paths and messages. */
function validateConfigMap(cm: ConfigMap, old?: ConfigMap): StatusCause[] {
  const causes = immutableCauses(cm, old, ['data', 'binaryData']);
  causes.push(...keyCauses(cm.data, 'data'));
  for (const key of Object.keys(cm.data ?? {})) {
    if (cm.binaryData && key in cm.binaryData) {
      causes.push({ reason: 'FieldValueInvalid', field: `data[${key}]`, message: `Invalid value: ${JSON.stringify(key)}: duplicate of key present in binaryData` });
    }
  }
  causes.push(...keyCauses(cm.binaryData, 'binaryData'));
  const size =
    Object.values(cm.data ?? {}).reduce((n, v) => n + Buffer.byteLength(v), 0) + Object.values(cm.binaryData ?? {}).reduce((n, v) => n + bytesOf(v).length, 0);
  // The apiserver passes an empty path here: the error is about the whole object.
  if (size > MAX_DATA_BYTES) causes.push(tooLong('[]'));
  return causes;
}

export const configMaps = defineResource<ConfigMap>({
  group: '',
  version: 'v1',
  kind: 'ConfigMap',
  plural: 'configmaps',
  namespaced: true,
  shortNames: ['cm'],
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  schema: ConfigMapSchema,
  // Before the pods that mount them, as k2d orders its queue.
  realizedByRuntime: true,
  priority: 'high',
  columns: [
    { name: 'Data', type: 'integer', description: 'Number of keys in the ConfigMap.', cell: (cm) => Object.keys(cm.data ?? {}).length + Object.keys(cm.binaryData ?? {}).length },
    { name: 'Age', type: 'string', description: 'CreationTimestamp is a timestamp representing the server time when this object was created.', cell: age },
  ],
  defaults: (cm) => {
    if (cm.binaryData) cm.binaryData = canonicalBytes('ConfigMap', cm.binaryData);
  },
  validate: validateConfigMap,
  example: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', labels: { app: 'web' } }, data: { 'app.properties': 'color=blue\n', mode: 'fast' } },
});
