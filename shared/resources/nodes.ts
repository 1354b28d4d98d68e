import { z } from 'zod';
import { defineResource } from '../api/resource';
import { Time, typeMeta, type KObject } from '../k8s/meta';
import { age } from '../k8s/time';

const quantities = () => z.record(z.string(), z.string());

const NodeCondition = z
  .looseObject({
    type: z.string().describe('Type of node condition.'),
    status: z.string().describe('Status of the condition, one of True, False, Unknown.'),
    lastHeartbeatTime: Time.optional(),
    lastTransitionTime: Time.optional(),
    reason: z.string().optional().describe("(brief) reason for the condition's last transition."),
    message: z.string().optional().describe('Human readable message indicating details about last transition.'),
  })
  .meta({ id: 'io.k8s.api.core.v1.NodeCondition', description: 'NodeCondition contains condition information for a node.' });

const NodeAddress = z
  .looseObject({
    type: z.string().describe('Node address type, one of Hostname, ExternalIP or InternalIP.'),
    address: z.string().describe('The node address.'),
  })
  .meta({ id: 'io.k8s.api.core.v1.NodeAddress', description: "NodeAddress contains information for the node's address." });

const NodeSystemInfo = z
  .looseObject({
    machineID: z.string().describe('MachineID reported by the node.'),
    systemUUID: z.string().describe('SystemUUID reported by the node.'),
    bootID: z.string().describe('Boot ID reported by the node.'),
    kernelVersion: z.string().describe("Kernel Version reported by the node from 'uname -r'."),
    osImage: z.string().describe('OS Image reported by the node from /etc/os-release.'),
    containerRuntimeVersion: z.string().describe('ContainerRuntime Version reported by the node through runtime remote API.'),
    kubeletVersion: z.string().describe('Kubelet Version reported by the node.'),
    kubeProxyVersion: z.string().describe('Deprecated: KubeProxy Version reported by the node.'),
    operatingSystem: z.string().describe('The Operating System reported by the node.'),
    architecture: z.string().describe('The Architecture reported by the node.'),
  })
  .meta({ id: 'io.k8s.api.core.v1.NodeSystemInfo', description: 'NodeSystemInfo is a set of ids/uuids to uniquely identify the node.' });

export const NodeSchema = z
  .looseObject({
    ...typeMeta,
    spec: z
      .looseObject({
        podCIDR: z.string().optional().describe('PodCIDR represents the pod IP range assigned to the node.'),
        podCIDRs: z.array(z.string()).optional().describe('podCIDRs represents the IP ranges assigned to the node for usage by Pods on that node.'),
        providerID: z.string().optional().describe('ID of the node assigned by the cloud provider.'),
        unschedulable: z.boolean().optional().describe('Unschedulable controls node schedulability of new pods. By default, node is schedulable.'),
        taints: z.array(z.looseObject({ key: z.string(), value: z.string().optional(), effect: z.string(), timeAdded: Time.optional() })).optional().describe("If specified, the node's taints."),
      })
      .meta({ id: 'io.k8s.api.core.v1.NodeSpec', description: 'NodeSpec describes the attributes that a node is created with.' })
      .optional()
      .describe('Spec defines the behavior of a node.'),
    status: z
      .looseObject({
        capacity: quantities().optional().describe('Capacity represents the total resources of a node.'),
        allocatable: quantities().optional().describe('Allocatable represents the resources of a node that are available for scheduling.'),
        conditions: z.array(NodeCondition).optional().describe('Conditions is an array of current observed node conditions.'),
        addresses: z.array(NodeAddress).optional().describe('List of addresses reachable to the node.'),
        daemonEndpoints: z.record(z.string(), z.unknown()).optional().describe('Endpoints of daemons running on the Node.'),
        nodeInfo: NodeSystemInfo.optional().describe('Set of ids/uuids to uniquely identify the node.'),
        images: z.array(z.looseObject({ names: z.array(z.string()).optional(), sizeBytes: z.number().int().optional() })).optional().describe('List of container images on this node.'),
      })
      .meta({ id: 'io.k8s.api.core.v1.NodeStatus', description: 'NodeStatus is information about the current status of a node.' })
      .optional()
      .describe('Most recently observed status of the node.'),
  })
  .meta({
    id: 'io.k8s.api.core.v1.Node',
    description: 'Node is a worker node in Kubernetes. In k2d-ts there is exactly one: the Docker host.',
  });

export type Node = KObject & z.infer<typeof NodeSchema>;

function nodeStatus(node: Node): string {
  const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
  const status = ready?.status === 'True' ? 'Ready' : ready ? 'NotReady' : 'Unknown';
  return node.spec?.unschedulable ? `${status},SchedulingDisabled` : status;
}

function nodeRoles(node: Node): string {
  const prefix = 'node-role.kubernetes.io/';
  const roles = Object.keys(node.metadata.labels ?? {})
    .filter((l) => l.startsWith(prefix))
    .map((l) => l.slice(prefix.length))
    .filter(Boolean);
  return roles.length ? roles.sort().join(',') : '<none>';
}

const address = (node: Node, type: string) => node.status?.addresses?.find((a) => a.type === type)?.address ?? '<none>';

export const nodes = defineResource<Node>({
  group: '',
  version: 'v1',
  kind: 'Node',
  plural: 'nodes',
  namespaced: false,
  shortNames: ['no'],
  // The node mirrors `docker info`; the runtime writes it, clients only read it.
  verbs: ['get', 'list', 'watch'],
  subresources: ['status'],
  schema: NodeSchema,
  columns: [
    { name: 'Status', type: 'string', description: 'The status of the node', cell: nodeStatus },
    { name: 'Roles', type: 'string', description: 'The roles of the node', cell: nodeRoles },
    { name: 'Age', type: 'string', description: 'CreationTimestamp is a timestamp representing the server time when this object was created.', cell: age },
    { name: 'Version', type: 'string', description: 'Kubelet Version reported by the node.', cell: (n) => n.status?.nodeInfo?.kubeletVersion ?? '' },
    { name: 'Internal-IP', type: 'string', priority: 1, description: 'List of addresses reachable to the node.', cell: (n) => address(n, 'InternalIP') },
    { name: 'External-IP', type: 'string', priority: 1, description: 'List of addresses reachable to the node.', cell: (n) => address(n, 'ExternalIP') },
    { name: 'OS-Image', type: 'string', priority: 1, description: 'OS Image reported by the node from /etc/os-release.', cell: (n) => n.status?.nodeInfo?.osImage ?? '<unknown>' },
    { name: 'Kernel-Version', type: 'string', priority: 1, description: "Kernel Version reported by the node from 'uname -r'.", cell: (n) => n.status?.nodeInfo?.kernelVersion ?? '<unknown>' },
    { name: 'Container-Runtime', type: 'string', priority: 1, description: 'ContainerRuntime Version reported by the node through runtime remote API.', cell: (n) => n.status?.nodeInfo?.containerRuntimeVersion ?? '<unknown>' },
  ],
  // Nodes are not created through the API: the suite stores this one as the runtime does.
  example: {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: 'node-1', labels: { 'kubernetes.io/hostname': 'node-1', 'node-role.kubernetes.io/control-plane': '' } },
    status: {
      conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'Docker is running' }],
      addresses: [{ type: 'InternalIP', address: '172.17.0.1' }, { type: 'Hostname', address: 'node-1' }],
      nodeInfo: {
        machineID: 'c0ffee',
        systemUUID: 'c0ffee',
        bootID: 'c0ffee',
        kernelVersion: '6.1.0',
        osImage: 'Debian GNU/Linux 12 (bookworm)',
        containerRuntimeVersion: 'docker://20.10.24',
        kubeletVersion: 'v1.32.0+k2d',
        kubeProxyVersion: 'v1.32.0+k2d',
        operatingSystem: 'linux',
        architecture: 'amd64',
      },
    },
  },
});
