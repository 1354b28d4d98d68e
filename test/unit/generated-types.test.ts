import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { z } from 'zod';
import { OUT_DIR, generate } from '../../scripts/generate-types';
import * as apps from '../../shared/k8s/generated/apps-v1';
import * as core from '../../shared/k8s/generated/core-v1';
import * as meta from '../../shared/k8s/generated/meta-v1';
import * as apiextensions from '../../shared/k8s/generated/apiextensions-v1';
import * as batch from '../../shared/k8s/generated/batch-v1';
import * as coordination from '../../shared/k8s/generated/coordination-v1';
import * as networking from '../../shared/k8s/generated/networking-v1';
import * as rbac from '../../shared/k8s/generated/rbac-v1';
import * as storage from '../../shared/k8s/generated/storage-v1';
import { MESSAGES } from '../../shared/k8s/protobuf';
import { defineResource, type ResourceDefinition } from '../../shared/api/resource';
import { SchemaIndex } from '../../shared/api/schema';

const root = join(import.meta.dirname, '../..');
const files = generate();

test('the committed generated types are what the generator makes of the pinned models and the overlay', () => {
  const committed = readdirSync(join(root, OUT_DIR)).map((f) => `${OUT_DIR}/${f}`).sort();
  assert.equal(committed, [...files.keys()].sort(), 'run `npm run generate`');
  for (const [path, text] of files) assert.ok(readFileSync(join(root, path), 'utf8') === text, `${path} is stale: run \`npm run generate\``);
});

const idOf = (schema: z.ZodType) => (schema.meta() as { id?: string } | undefined)?.id;

test('each type lands in the package OpenAPI names it by, even where the client drops the group', () => {
  assert.is(idOf(core.TopologySelectorTerm), 'io.k8s.api.core.v1.TopologySelectorTerm');
  assert.is(idOf(core.EndpointPort), 'io.k8s.api.core.v1.EndpointPort');
  assert.is(idOf(core.PodTemplateSpec), 'io.k8s.api.core.v1.PodTemplateSpec');
  assert.is(idOf(apps.DeploymentSpec), 'io.k8s.api.apps.v1.DeploymentSpec');
  assert.is(idOf(rbac.Subject), 'io.k8s.api.rbac.v1.Subject');
  assert.is(idOf(meta.LabelSelector), 'io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector');
  const ids = [...files.values()].flatMap((text) => [...text.matchAll(/id: "([^"]+)"/g)].map((m) => m[1]));
  assert.is(new Set(ids).size, ids.length, 'an OpenAPI id is generated twice');
});

test('the overlay reaches the schemas: Quantity and IntOrString fields, free-form volume plugins, nullable condition times', () => {
  assert.ok(core.ResourceRequirements.safeParse({ limits: { cpu: 1, memory: '1Gi' } }).success);
  assert.not.ok(core.ResourceRequirements.safeParse({ limits: { memory: '1 Gi' } }).success);
  assert.ok(core.ServicePort.safeParse({ port: 80, targetPort: 'http' }).success);
  assert.ok(core.Volume.safeParse({ name: 'v', rbd: { anything: true } }).success);
  assert.ok(core.PodCondition.safeParse({ type: 'Ready', status: 'True', lastProbeTime: null }).success);
  assert.not.ok(meta.ObjectMeta.safeParse({ creationTimestamp: null }).success);
});

test('fields whose type is another model keep their own description', () => {
  assert.is(core.PodSpec.shape.affinity.description, "If specified, the pod's scheduling constraints");
  assert.match(apps.DeploymentSpec.shape.template.description!, /^Template describes the pods that will be created/);
});

test('a generated kind is a definition schema as it stands: it parses, and strict decoding finds typos in it', () => {
  const def = defineResource({ group: 'batch', version: 'v1', kind: 'Job', plural: 'jobs', namespaced: true, verbs: ['get'], columns: [], schema: batch.Job }) as unknown as ResourceDefinition;
  const index = new SchemaIndex([def]);
  const job = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'pi' },
    spec: { backoffLimit: 4, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'pi', image: 'perl', command: ['perl', '-e', '1'], resourcess: {} }] } } },
  };
  assert.ok(batch.Job.safeParse(job).success);
  assert.equal(index.unknownFields(def, job), ['spec.template.spec.containers[0].resourcess']);
  assert.is(index.components['io.k8s.api.batch.v1.JobSpec'].properties!.backoffLimit.format, 'int32');
  assert.equal(index.components['io.k8s.api.core.v1.PodSpec'].properties!.containers['x-kubernetes-list-map-keys'], ['name']);
});

test('manifests of the kinds still to come parse and have no unknown fields', () => {
  const podSpec = { containers: [{ name: 'a', image: 'nginx', ports: [{ containerPort: 80 }], resources: { requests: { cpu: 0.5, memory: '64Mi' } } }] };
  const claim = { accessModes: ['ReadWriteOnce'], storageClassName: 'local', resources: { requests: { storage: '1Gi' } } };
  const samples: Array<[string, z.ZodType, object]> = [
    ['StatefulSet', apps.StatefulSet, { metadata: { name: 'db' }, spec: { serviceName: 'db', selector: { matchLabels: { app: 'db' } }, template: { metadata: { labels: { app: 'db' } }, spec: podSpec }, volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: claim }], persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Delete' } } }],
    ['DaemonSet', apps.DaemonSet, { metadata: { name: 'd' }, spec: { selector: { matchLabels: { a: 'b' } }, template: { spec: podSpec }, updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1 } } } }],
    ['ControllerRevision', apps.ControllerRevision, { metadata: { name: 'r' }, revision: 1, data: { spec: {} } }],
    ['CronJob', batch.CronJob, { metadata: { name: 'c' }, spec: { schedule: '*/5 * * * *', jobTemplate: { spec: { backoffLimit: 2, template: { spec: { ...podSpec, restartPolicy: 'OnFailure' } } } } } }],
    ['Ingress', networking.Ingress, { metadata: { name: 'i' }, spec: { ingressClassName: 'nginx', tls: [{ hosts: ['a.example'], secretName: 's' }], rules: [{ host: 'a.example', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] } }] } }],
    ['IngressClass', networking.IngressClass, { metadata: { name: 'nginx' }, spec: { controller: 'k8s.io/ingress-nginx' } }],
    ['Role', rbac.Role, { metadata: { name: 'r' }, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] }] }],
    ['ClusterRoleBinding', rbac.ClusterRoleBinding, { metadata: { name: 'b' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' }, subjects: [{ kind: 'ServiceAccount', name: 'default', namespace: 'default' }] }],
    ['StorageClass', storage.StorageClass, { metadata: { name: 'local' }, provisioner: 'k2d.io/local', volumeBindingMode: 'WaitForFirstConsumer', allowedTopologies: [{ matchLabelExpressions: [{ key: 'k', values: ['v'] }] }] }],
    ['PersistentVolumeClaim', core.PersistentVolumeClaim, { metadata: { name: 'p' }, spec: { ...claim, resources: { requests: { storage: 1073741824 } } } }],
    ['PersistentVolume', core.PersistentVolume, { metadata: { name: 'pv' }, spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/tmp/x' }, claimRef: { name: 'p', namespace: 'default' } } }],
    ['ServiceAccount', core.ServiceAccount, { metadata: { name: 'sa' }, automountServiceAccountToken: false, imagePullSecrets: [{ name: 'reg' }] }],
    ['Lease', coordination.Lease, { metadata: { name: 'l' }, spec: { holderIdentity: 'me', leaseDurationSeconds: 15, renewTime: '2026-01-01T00:00:00.000000Z' } }],
    ['CustomResourceDefinition', apiextensions.CustomResourceDefinition, { metadata: { name: 'crontabs.stable.example.com' }, spec: { group: 'stable.example.com', scope: 'Namespaced', names: { plural: 'crontabs', kind: 'CronTab' }, versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object' } } } }, subresources: { status: {} } }] } }],
  ];
  const defs = samples.map(([kind, schema]) => defineResource({ group: 'test', version: 'v1', kind, plural: kind.toLowerCase(), namespaced: true, verbs: ['get'], columns: [], schema }) as unknown as ResourceDefinition);
  const index = new SchemaIndex(defs);
  samples.forEach(([kind, schema, obj], i) => {
    const parsed = schema.safeParse(obj);
    assert.ok(parsed.success, `${kind}: ${parsed.error?.message}`);
    assert.equal(index.unknownFields(defs[i], obj), [], kind);
  });
  assert.not.ok(core.PersistentVolumeClaim.safeParse({ spec: { resources: { requests: { storage: '1 GB' } } } }).success);
});

// The protobuf layouts are hand-kept (no package ships the field numbers): their JSON names must at least be
// the API's, or a decoded field would land where no schema expects it.
test('every field of a protobuf layout is a field of the generated type of that name', () => {
  const schemas: Record<string, unknown> = { ...apps, ...core, ...meta };
  let checked = 0;
  for (const [message, fields] of Object.entries(MESSAGES)) {
    const schema = schemas[message] as { shape?: Record<string, unknown> } | undefined;
    if (!schema?.shape) continue;
    for (const line of fields) {
      const name = line.split(' ')[1];
      if (name.startsWith('...')) continue;
      assert.ok(name in schema.shape, `${message}.${name}`);
      checked++;
    }
  }
  assert.ok(checked > 300, `only ${checked} fields checked`);
});

test.run();
