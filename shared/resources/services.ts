import { z } from 'zod';
import { defineResource } from '../api/resource';
import { ApiError, invalid, type StatusCause } from '../api/status';
import { validateName } from '../api/validation';
import { ServiceSpec, ServiceStatus, type LoadBalancerIngress, type ServicePort } from '../k8s/core-v1';
import { typeMeta, type KObject } from '../k8s/meta';
import { age } from '../k8s/time';


export const ServiceSchema = z
  .looseObject({
    ...typeMeta,
    spec: ServiceSpec.optional().describe('Spec defines the behavior of a service.'),
    status: ServiceStatus.optional().describe('Most recently observed status of the service. Populated by the system. Read-only.'),
  })
  .meta({
    id: 'io.k8s.api.core.v1.Service',
    description:
      'Service is a named abstraction of software service (for example, mysql) consisting of local port (for example 3306) that the proxy listens on, and the selector that determines which pods will answer requests sent through the proxy.',
  });

export type Service = KObject & { spec: ServiceSpec; status?: ServiceStatus };

export const SERVICE_TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];

/** The apiserver's default service range; addresses are shown and allocated, traffic goes by name. */
export const SERVICE_CIDR = '10.96.0.0/12';
const CIDR_BASE = ipToInt('10.96.0.0');
const CIDR_SIZE = 1 << 20;
export const NODE_PORT_MIN = 30000;
export const NODE_PORT_MAX = 32767;

function ipToInt(ip: string): number {
  return ip.split('.').reduce((n, part) => n * 256 + Number(part), 0);
}

function intToIp(n: number): string {
  return [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');
}

const isIPv4 = (ip: string) => /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.test(ip) && ip.split('.').every((p) => Number(p) <= 255);
const inRange = (ip: string) => isIPv4(ip) && ipToInt(ip) > CIDR_BASE && ipToInt(ip) < CIDR_BASE + CIDR_SIZE - 1;
export const isHeadless = (svc: Service) => svc.spec?.clusterIP === 'None';
const usesNodePorts = (svc: Service) => svc.spec?.type === 'NodePort' || (svc.spec?.type === 'LoadBalancer' && svc.spec?.allocateLoadBalancerNodePorts !== false);

/** `80/TCP`, `80:30080/TCP` for node ports, as kubectl prints PORT(S). */
function portsCell(svc: Service): string {
  const ports = (svc.spec?.ports ?? []) as ServicePort[];
  if (!ports.length) return '<none>';
  return ports.map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`).join(',');
}

function externalIPCell(svc: Service): string {
  const type = svc.spec?.type ?? 'ClusterIP';
  const external = (svc.spec?.externalIPs ?? []) as string[];
  if (type === 'ExternalName') return svc.spec?.externalName ?? '<none>';
  if (type === 'LoadBalancer') {
    const ingress = ((svc.status?.loadBalancer?.ingress ?? []) as LoadBalancerIngress[]).map((i) => i.ip ?? i.hostname).filter(Boolean);
    const all = [...ingress, ...external];
    return all.length ? all.join(',') : '<pending>';
  }
  return external.length ? external.join(',') : '<none>';
}

const IANA_SVC_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

function validateService(svc: Service, old?: Service): StatusCause[] {
  const causes: StatusCause[] = [];
  const spec = svc.spec ?? {};
  const bad = (field: string, message: string, reason = 'FieldValueInvalid') => causes.push({ reason, field, message });
  const type = spec.type ?? 'ClusterIP';
  if (!SERVICE_TYPES.includes(type)) bad('spec.type', `Unsupported value: "${type}": supported values: ${SERVICE_TYPES.map((t) => `"${t}"`).join(', ')}`, 'FieldValueNotSupported');
  if (type === 'ExternalName') {
    if (!spec.externalName) bad('spec.externalName', 'Required value', 'FieldValueRequired');
    else causes.push(...validateName(spec.externalName, 'subdomain', 'spec.externalName'));
  }
  const ports = (spec.ports ?? []) as ServicePort[];
  if (!ports.length && type !== 'ExternalName' && !isHeadless(svc)) bad('spec.ports', 'Required value', 'FieldValueRequired');
  const names = new Set<string>();
  const keys = new Set<string>();
  ports.forEach((p, i) => {
    const at = `spec.ports[${i}]`;
    if (ports.length > 1 && !p.name) bad(`${at}.name`, 'Required value', 'FieldValueRequired');
    if (p.name) {
      causes.push(...validateName(p.name, 'label', `${at}.name`));
      if (names.has(p.name)) bad(`${at}.name`, `Duplicate value: "${p.name}"`, 'FieldValueDuplicate');
      names.add(p.name);
    }
    if (!Number.isInteger(p.port) || p.port < 1 || p.port > 65535) bad(`${at}.port`, `Invalid value: ${p.port}: must be between 1 and 65535, inclusive`);
    const protocol = p.protocol ?? 'TCP';
    if (!['TCP', 'UDP', 'SCTP'].includes(protocol)) bad(`${at}.protocol`, `Unsupported value: "${protocol}": supported values: "SCTP", "TCP", "UDP"`, 'FieldValueNotSupported');
    const key = `${p.port}/${protocol}`;
    if (keys.has(key)) bad(at, `Duplicate value: ${JSON.stringify({ port: p.port, protocol })}`, 'FieldValueDuplicate');
    keys.add(key);
    const target = p.targetPort;
    if (typeof target === 'number' && (!Number.isInteger(target) || target < 1 || target > 65535)) bad(`${at}.targetPort`, `Invalid value: ${target}: must be between 1 and 65535, inclusive`);
    if (typeof target === 'string' && !/^\d+$/.test(target) && (target.length > 15 || !IANA_SVC_NAME.test(target) || !/[a-z]/.test(target) || target.includes('--'))) {
      bad(`${at}.targetPort`, `Invalid value: "${target}": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-), at most 15 characters, at least one letter`);
    }
    if (p.nodePort !== undefined) {
      if (type === 'ClusterIP' || type === 'ExternalName') bad(`${at}.nodePort`, `Forbidden: may not be used when \`type\` is '${type}'`, 'FieldValueForbidden');
      else if (!Number.isInteger(p.nodePort) || p.nodePort < NODE_PORT_MIN || p.nodePort > NODE_PORT_MAX) {
        bad(`${at}.nodePort`, `Invalid value: ${p.nodePort}: provided port is not in the valid range. The range of valid ports is ${NODE_PORT_MIN}-${NODE_PORT_MAX}`);
      }
    }
  });
  const clusterIP = spec.clusterIP;
  if (clusterIP && clusterIP !== 'None' && !isIPv4(clusterIP)) bad('spec.clusterIPs[0]', `Invalid value: "${clusterIP}": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)`);
  if (clusterIP === 'None' && (type === 'NodePort' || type === 'LoadBalancer')) bad('spec.clusterIPs[0]', `Invalid value: "None": may not be set to 'None' for ${type} services`);
  for (const [k, v] of Object.entries((spec.selector ?? {}) as Record<string, string>)) {
    if (v.length > 63 || !/^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/.test(v)) bad('spec.selector', `Invalid value: "${v}": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`);
    void k;
  }
  if (old) {
    const was = old.spec?.clusterIP;
    if (was && clusterIP && was !== clusterIP && type !== 'ExternalName' && (old.spec?.type ?? 'ClusterIP') !== 'ExternalName') {
      bad('spec.clusterIPs[0]', `Invalid value: ${JSON.stringify([clusterIP])}: may not change once set`);
    }
  }
  return causes;
}

/** The apiserver's defaults, so `kubectl get -o yaml` and later applies see what a cluster stores. */
function defaults(svc: Service) {
  const spec = (svc.spec ??= {});
  spec.type ??= 'ClusterIP';
  spec.sessionAffinity ??= 'None';
  if (spec.type !== 'ExternalName') {
    spec.ipFamilies ??= ['IPv4'];
    spec.ipFamilyPolicy ??= 'SingleStack';
    spec.internalTrafficPolicy ??= 'Cluster';
  }
  if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') spec.externalTrafficPolicy ??= 'Cluster';
  if (spec.type === 'LoadBalancer') spec.allocateLoadBalancerNodePorts ??= true;
  for (const p of (spec.ports ?? []) as ServicePort[]) {
    p.protocol ??= 'TCP';
    p.targetPort ??= p.port;
  }
}

/** Unused values from a range, tried from a random start so that concurrent clients rarely race. */
function pick(size: number, taken: (n: number) => boolean): number | undefined {
  const start = Math.floor(Math.random() * size);
  for (let i = 0; i < size; i++) {
    const n = (start + i) % size;
    if (!taken(n)) return n;
  }
  return undefined;
}

/**
 * ClusterIPs and node ports are unique among all Services. Values an update leaves out are kept from
 * the stored object (the apiserver's patchAllocatedValues), so re-applying a manifest never moves them.
 */
function allocateService(svc: Service, others: Service[], old?: Service) {
  const spec = svc.spec;
  const type = spec.type ?? 'ClusterIP';
  const fail = (field: string, message: string) => {
    throw invalid({ kind: 'Service', group: '', plural: 'services' }, svc.metadata.name, [{ reason: 'FieldValueInvalid', field, message }]);
  };
  if (type === 'ExternalName') {
    delete spec.clusterIP;
    delete spec.clusterIPs;
  } else {
    if (!spec.clusterIP && old?.spec?.clusterIP && (old.spec.type ?? 'ClusterIP') !== 'ExternalName') spec.clusterIP = old.spec.clusterIP;
    const used = new Set(others.map((o) => o.spec?.clusterIP).filter((ip) => ip && ip !== 'None'));
    if (!spec.clusterIP) {
      // The first addresses are the ones clusters give `kubernetes` and DNS: left for those names.
      const n = pick(CIDR_SIZE - 12, (i) => used.has(intToIp(CIDR_BASE + 11 + i)));
      if (n === undefined) throw new ApiError(500, 'InternalError', `Internal error occurred: failed to allocate a serviceIP: range is full`);
      spec.clusterIP = intToIp(CIDR_BASE + 11 + n);
    } else if (spec.clusterIP !== 'None' && spec.clusterIP !== old?.spec?.clusterIP) {
      if (!inRange(spec.clusterIP)) fail('spec.clusterIPs[0]', `Invalid value: "${spec.clusterIP}": failed to allocate IP ${spec.clusterIP}: provided IP is not in the valid range. The range of valid IPs is ${SERVICE_CIDR}`);
      if (used.has(spec.clusterIP)) fail('spec.clusterIPs[0]', `Invalid value: "${spec.clusterIP}": failed to allocate IP ${spec.clusterIP}: provided IP is already allocated`);
    }
    spec.clusterIPs = [spec.clusterIP];
  }

  const ports = (spec.ports ?? []) as ServicePort[];
  if (!usesNodePorts(svc)) {
    for (const p of ports) delete p.nodePort;
    return;
  }
  const oldPorts = (old?.spec?.ports ?? []) as ServicePort[];
  const usedPorts = new Set(others.flatMap((o) => ((o.spec?.ports ?? []) as ServicePort[]).map((p) => p.nodePort)).filter(Boolean));
  ports.forEach((p, i) => {
    if (p.nodePort === undefined) {
      const before = oldPorts.find((q) => q.port === p.port && (q.protocol ?? 'TCP') === (p.protocol ?? 'TCP') && q.nodePort);
      if (before) p.nodePort = before.nodePort;
    } else if (usedPorts.has(p.nodePort) || ports.some((q, j) => j < i && q.nodePort === p.nodePort && (q.protocol ?? 'TCP') === (p.protocol ?? 'TCP'))) {
      fail(`spec.ports[${i}].nodePort`, `Invalid value: ${p.nodePort}: provided port is already allocated`);
    }
  });
  for (const p of ports) {
    if (p.nodePort !== undefined) {
      usedPorts.add(p.nodePort);
      continue;
    }
    const n = pick(NODE_PORT_MAX - NODE_PORT_MIN + 1, (k) => usedPorts.has(NODE_PORT_MIN + k));
    if (n === undefined) throw new ApiError(500, 'InternalError', 'Internal error occurred: failed to allocate a nodePort: range is full');
    p.nodePort = NODE_PORT_MIN + n;
    usedPorts.add(p.nodePort);
  }
}

export const services = defineResource<Service>({
  group: '',
  version: 'v1',
  kind: 'Service',
  plural: 'services',
  namespaced: true,
  shortNames: ['svc'],
  categories: ['all'],
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  schema: ServiceSchema,
  realizedByRuntime: true,
  priority: 'low',
  subresources: ['status'],
  columns: [
    { name: 'Type', type: 'string', description: 'type determines how the Service is exposed.', cell: (s) => s.spec?.type ?? 'ClusterIP' },
    { name: 'Cluster-IP', type: 'string', description: 'clusterIP is the IP address of the service and is usually assigned randomly.', cell: (s) => s.spec?.clusterIP ?? '<none>' },
    { name: 'External-IP', type: 'string', description: 'externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.', cell: externalIPCell },
    { name: 'Port(s)', type: 'string', description: 'The list of ports that are exposed by this service.', cell: portsCell },
    { name: 'Age', type: 'string', description: 'CreationTimestamp is a timestamp representing the server time when this object was created.', cell: age },
    {
      name: 'Selector',
      type: 'string',
      priority: 1,
      description: 'Route service traffic to pods with label keys and values matching this selector.',
      cell: (s) => (Object.entries(s.spec?.selector ?? {}).map(([k, v]) => `${k}=${v}`).join(',') || '<none>'),
    },
  ],
  fieldSelectors: { 'spec.clusterIP': (s) => s.spec?.clusterIP, 'spec.type': (s) => s.spec?.type },
  validate: validateService,
  allocate: allocateService,
  defaults,
  prepareForCreate: (svc) => {
    svc.status = { loadBalancer: {} };
  },
  example: {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', labels: { app: 'web' } },
    spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] },
  },
});
