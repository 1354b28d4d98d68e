import { z } from 'zod';
import { defineResource } from '../api/resource';
import type { StatusCause } from '../api/status';
import type * as corev1 from '../k8s/core-v1';
import type * as discoveryv1 from '../k8s/generated/discovery-v1';
import { typeMeta, type KObject } from '../k8s/meta';
import { age } from '../k8s/time';

const CORE = 'io.k8s.api.core.v1';
const DISCOVERY = 'io.k8s.api.discovery.v1';

const ObjectReference = z
  .looseObject({
    kind: z.string().optional().describe('Kind of the referent.'),
    namespace: z.string().optional().describe('Namespace of the referent.'),
    name: z.string().optional().describe('Name of the referent.'),
    uid: z.string().optional().describe('UID of the referent.'),
    apiVersion: z.string().optional().describe('API version of the referent.'),
    resourceVersion: z.string().optional().describe('Specific resourceVersion to which this reference is made, if any.'),
    fieldPath: z.string().optional().describe('If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement.'),
  })
  .meta({ id: `${DISCOVERY}.EndpointTargetReference`, description: 'ObjectReference contains enough information to let you inspect or modify the referred object.' });

const EndpointAddress = z
  .looseObject({
    ip: z.string().describe('The IP of this endpoint.'),
    hostname: z.string().optional().describe('The Hostname of this endpoint'),
    nodeName: z.string().optional().describe('Optional: Node hosting this endpoint. This can be used to determine endpoints local to a node.'),
    targetRef: ObjectReference.optional().describe('Reference to object providing the endpoint.'),
  })
  .meta({ id: `${CORE}.EndpointAddress`, description: 'EndpointAddress is a tuple that describes single IP address.' });

const EndpointPort = z
  .looseObject({
    name: z.string().optional().describe('The name of this port. This must match the \'name\' field in the corresponding ServicePort.'),
    port: z.number().int().describe('The port number of the endpoint.'),
    protocol: z.string().optional().describe('The IP protocol for this port. Must be UDP, TCP, or SCTP. Default is TCP.'),
    appProtocol: z.string().optional().describe('The application protocol for this port.'),
  })
  .meta({ id: `${CORE}.EndpointPort`, description: 'EndpointPort is a tuple that describes a single port.' });

const EndpointSubset = z
  .looseObject({
    addresses: z.array(EndpointAddress).optional().describe('IP addresses which offer the related ports that are marked as ready.'),
    notReadyAddresses: z.array(EndpointAddress).optional().describe('IP addresses which offer the related ports but are not currently marked as ready.'),
    ports: z.array(EndpointPort).optional().describe('Port numbers available on the related IP addresses.'),
  })
  .meta({ id: `${CORE}.EndpointSubset`, description: 'EndpointSubset is a group of addresses with a common set of ports.' });

export const EndpointsSchema = z
  .looseObject({ ...typeMeta, subsets: z.array(EndpointSubset).optional().describe('The set of all endpoints is the union of all subsets.') })
  .meta({ id: `${CORE}.Endpoints`, description: 'Endpoints is a collection of endpoints that implement the actual service.' });

export type Endpoints = KObject & { subsets?: corev1.EndpointSubset[] };

const EndpointConditions = z
  .looseObject({
    ready: z.boolean().optional().describe('ready indicates that this endpoint is ready to receive traffic.'),
    serving: z.boolean().optional().describe('serving indicates that this endpoint is able to receive traffic, regardless of whether it is terminating.'),
    terminating: z.boolean().optional().describe('terminating indicates that this endpoint is terminating.'),
  })
  .meta({ id: `${DISCOVERY}.EndpointConditions`, description: 'EndpointConditions represents the current condition of an endpoint.' });

const Endpoint = z
  .looseObject({
    addresses: z.array(z.string()).meta({ 'x-kubernetes-list-type': 'set' }).describe('addresses of this endpoint.'),
    conditions: EndpointConditions.optional().describe('conditions contains information about the current status of the endpoint.'),
    hostname: z.string().optional().describe('hostname of this endpoint.'),
    targetRef: ObjectReference.optional().describe('targetRef is a reference to a Kubernetes object that represents this endpoint.'),
    nodeName: z.string().optional().describe('nodeName represents the name of the Node hosting this endpoint.'),
    zone: z.string().optional().describe('zone is the name of the Zone this endpoint exists in.'),
  })
  .meta({ id: `${DISCOVERY}.Endpoint`, description: 'Endpoint represents a single logical "backend" implementing a service.' });

const SlicePort = z
  .looseObject({
    name: z.string().optional().describe('name represents the name of this port.'),
    protocol: z.string().optional().describe('protocol represents the IP protocol for this port.'),
    port: z.number().int().optional().describe('port represents the port number of the endpoint.'),
    appProtocol: z.string().optional().describe('The application protocol for this port.'),
  })
  .meta({ id: `${DISCOVERY}.EndpointPort`, description: 'EndpointPort represents a Port used by an EndpointSlice' });

export const EndpointSliceSchema = z
  .looseObject({
    ...typeMeta,
    addressType: z.string().describe('addressType specifies the type of address carried by this EndpointSlice: IPv4, IPv6 or FQDN.'),
    endpoints: z.array(Endpoint).meta({ 'x-kubernetes-list-type': 'atomic' }).describe('endpoints is a list of unique endpoints in this slice.'),
    ports: z.array(SlicePort).meta({ 'x-kubernetes-list-type': 'atomic' }).optional().describe('ports specifies the list of network ports exposed by each endpoint in this slice.'),
  })
  .meta({ id: `${DISCOVERY}.EndpointSlice`, description: 'EndpointSlice represents a subset of the endpoints that implement a service.' });

export type EndpointSlice = KObject & { addressType: string; endpoints: discoveryv1.Endpoint[]; ports?: discoveryv1.EndpointPort[] };

/** kubectl's ENDPOINTS column: the first three `ip:port`, then how many more. */
export function endpointsCell(ep: Endpoints): string {
  const all = (ep.subsets ?? []).flatMap((s) => {
    const ports = s.ports ?? [];
    return (s.addresses ?? []).flatMap((a) => (ports.length ? ports.map((p) => `${a.ip}:${p.port}`) : [a.ip]));
  });
  if (!all.length) return '<none>';
  return all.length > 3 ? `${all.slice(0, 3).join(',')} + ${all.length - 3} more...` : all.join(',');
}

function validatePorts(ports: Array<corev1.EndpointPort | discoveryv1.EndpointPort>, field: string): StatusCause[] {
  const causes: StatusCause[] = [];
  ports.forEach((p, i) => {
    if (p.port !== undefined && (!Number.isInteger(p.port) || p.port < 1 || p.port > 65535)) {
      causes.push({ reason: 'FieldValueInvalid', field: `${field}[${i}].port`, message: `Invalid value: ${p.port}: must be between 1 and 65535, inclusive` });
    }
  });
  return causes;
}

export const endpoints = defineResource<Endpoints>({
  group: '',
  version: 'v1',
  kind: 'Endpoints',
  plural: 'endpoints',
  singular: 'endpoints',
  namespaced: true,
  shortNames: ['ep'],
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  schema: EndpointsSchema,
  columns: [
    { name: 'Endpoints', type: 'string', description: 'Endpoints of the service', cell: endpointsCell },
    { name: 'Age', type: 'string', description: 'CreationTimestamp is a timestamp representing the server time when this object was created.', cell: age },
  ],
  validate: (ep) => (ep.subsets ?? []).flatMap((s, i) => validatePorts(s.ports ?? [], `subsets[${i}].ports`)),
  example: {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: 'web', labels: { app: 'web' } },
    subsets: [{ addresses: [{ ip: '172.18.0.5' }], ports: [{ name: 'http', port: 80, protocol: 'TCP' }] }],
  },
});

export const endpointSlices = defineResource<EndpointSlice>({
  group: 'discovery.k8s.io',
  version: 'v1',
  kind: 'EndpointSlice',
  plural: 'endpointslices',
  namespaced: true,
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  schema: EndpointSliceSchema,
  columns: [
    { name: 'AddressType', type: 'string', description: 'The IP protocol for this slice', cell: (s) => s.addressType },
    {
      name: 'Ports',
      type: 'string',
      description: 'The ports defined in this slice',
      cell: (s) => ((s.ports ?? []).map((p) => String(p.port ?? '*')).join(',') || '<unset>'),
    },
    {
      name: 'Endpoints',
      type: 'string',
      description: 'The endpoints in this slice',
      cell: (s) => {
        const all = (s.endpoints ?? []).flatMap((e) => e.addresses ?? []);
        if (!all.length) return '<unset>';
        return all.length > 3 ? `${all.slice(0, 3).join(',')} + ${all.length - 3} more...` : all.join(',');
      },
    },
    { name: 'Age', type: 'string', description: 'CreationTimestamp is a timestamp representing the server time when this object was created.', cell: age },
  ],
  validate: (s) => {
    const causes = validatePorts(s.ports ?? [], 'ports');
    if (!['IPv4', 'IPv6', 'FQDN'].includes(s.addressType)) {
      causes.push({ reason: 'FieldValueNotSupported', field: 'addressType', message: `Unsupported value: "${s.addressType}": supported values: "FQDN", "IPv4", "IPv6"` });
    }
    return causes;
  },
  example: {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: 'web-abcde', labels: { 'kubernetes.io/service-name': 'web' } },
    addressType: 'IPv4',
    endpoints: [{ addresses: ['172.18.0.5'], conditions: { ready: true } }],
    ports: [{ name: 'http', port: 80, protocol: 'TCP' }],
  },
});
