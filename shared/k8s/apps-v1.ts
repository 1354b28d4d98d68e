import { z } from 'zod';
import { LabelSelector } from './meta';
import { IntOrString, PodTemplateSpec, int32, int64, list, nullableTime } from './core-v1';

// The apps/v1 types behind Deployments and ReplicaSets, field for field as in Kubernetes 1.32 (see core-v1.ts).

const APPS = 'io.k8s.api.apps.v1';

export { LabelSelector, LabelSelectorRequirement } from './meta';

export const RollingUpdateDeployment = z
  .looseObject({
    maxUnavailable: IntOrString.optional().describe('The maximum number of pods that can be unavailable during the update. Value can be an absolute number (ex: 5) or a percentage of desired pods (ex: 10%).'),
    maxSurge: IntOrString.optional().describe('The maximum number of pods that can be scheduled above the desired number of pods. Value can be an absolute number (ex: 5) or a percentage of desired pods (ex: 10%).'),
  })
  .meta({ id: `${APPS}.RollingUpdateDeployment`, description: 'Spec to control the desired behavior of rolling update.' });

export const DeploymentStrategy = z
  .looseObject({
    type: z.string().optional().describe('Type of deployment. Can be "Recreate" or "RollingUpdate".'),
    rollingUpdate: RollingUpdateDeployment.optional().describe('Rolling update config params. Present only if DeploymentStrategyType = RollingUpdate.'),
  })
  .meta({ id: `${APPS}.DeploymentStrategy`, description: 'DeploymentStrategy describes how to replace existing pods with new ones.' });

export const DeploymentSpec = z
  .looseObject({
    replicas: int32().optional().describe('Number of desired pods. This is a pointer to distinguish between explicit zero and not specified.'),
    selector: LabelSelector.describe('Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment.'),
    template: PodTemplateSpec.describe('Template describes the pods that will be created. The only allowed template.spec.restartPolicy value is "Always".'),
    strategy: DeploymentStrategy.optional().describe('The deployment strategy to use to replace existing pods with new ones.'),
    minReadySeconds: int32().optional().describe('Minimum number of seconds for which a newly created pod should be ready without any of its container crashing, for it to be considered available. Defaults to 0 (pod will be considered available as soon as it is ready)'),
    revisionHistoryLimit: int32().optional().describe('The number of old ReplicaSets to retain to allow rollback. This is a pointer to distinguish between explicit zero and not specified.'),
    paused: z.boolean().optional().describe('Indicates that the deployment is paused.'),
    progressDeadlineSeconds: int32().optional().describe('The maximum time in seconds for a deployment to make progress before it is considered to be failed. The deployment controller will continue to process failed deployments and a condition with a ProgressDeadlineExceeded reason will be surfaced in the deployment status.'),
  })
  .meta({ id: `${APPS}.DeploymentSpec`, description: 'DeploymentSpec is the specification of the desired behavior of the Deployment.' });

export const DeploymentCondition = z
  .looseObject({
    type: z.string().describe('Type of deployment condition.'),
    status: z.string().describe('Status of the condition, one of True, False, Unknown.'),
    lastUpdateTime: nullableTime().optional().describe('The last time this condition was updated.'),
    lastTransitionTime: nullableTime().optional().describe('Last time the condition transitioned from one status to another.'),
    reason: z.string().optional().describe("The reason for the condition's last transition."),
    message: z.string().optional().describe('A human readable message indicating details about the transition.'),
  })
  .meta({ id: `${APPS}.DeploymentCondition`, description: 'DeploymentCondition describes the state of a deployment at a certain point.' });

export const DeploymentStatus = z
  .looseObject({
    observedGeneration: int64().optional().describe('The generation observed by the deployment controller.'),
    replicas: int32().optional().describe('Total number of non-terminated pods targeted by this deployment (their labels match the selector).'),
    updatedReplicas: int32().optional().describe('Total number of non-terminated pods targeted by this deployment that have the desired template spec.'),
    readyReplicas: int32().optional().describe('readyReplicas is the number of pods targeted by this Deployment with a Ready Condition.'),
    availableReplicas: int32().optional().describe('Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.'),
    unavailableReplicas: int32().optional().describe('Total number of unavailable pods targeted by this deployment. This is the total number of pods that are still required for the deployment to have 100% available capacity.'),
    conditions: list(DeploymentCondition, { type: 'map', keys: ['type'], mergeKey: 'type', strategy: 'merge' }).optional().describe("Represents the latest available observations of a deployment's current state."),
    collisionCount: int32().optional().describe('Count of hash collisions for the Deployment. The Deployment controller uses this field as a collision avoidance mechanism when it needs to create the name for the newest ReplicaSet.'),
  })
  .meta({ id: `${APPS}.DeploymentStatus`, description: 'DeploymentStatus is the most recently observed status of the Deployment.' });

export const ReplicaSetSpec = z
  .looseObject({
    replicas: int32().optional().describe('Replicas is the number of desired replicas. This is a pointer to distinguish between explicit zero and unspecified.'),
    minReadySeconds: int32().optional().describe('Minimum number of seconds for which a newly created pod should be ready without any of its container crashing, for it to be considered available. Defaults to 0 (pod will be considered available as soon as it is ready)'),
    selector: LabelSelector.describe('Selector is a label query over pods that should match the replica count. Label keys and values that must match in order to be controlled by this replica set.'),
    template: PodTemplateSpec.optional().describe('Template is the object that describes the pod that will be created if insufficient replicas are detected. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicationcontroller#pod-template'),
  })
  .meta({ id: `${APPS}.ReplicaSetSpec`, description: 'ReplicaSetSpec is the specification of a ReplicaSet.' });

export const ReplicaSetCondition = z
  .looseObject({
    type: z.string().describe('Type of replica set condition.'),
    status: z.string().describe('Status of the condition, one of True, False, Unknown.'),
    lastTransitionTime: nullableTime().optional().describe('The last time the condition transitioned from one status to another.'),
    reason: z.string().optional().describe("The reason for the condition's last transition."),
    message: z.string().optional().describe('A human readable message indicating details about the transition.'),
  })
  .meta({ id: `${APPS}.ReplicaSetCondition`, description: 'ReplicaSetCondition describes the state of a replica set at a certain point.' });

export const ReplicaSetStatus = z
  .looseObject({
    replicas: int32().describe('Replicas is the most recently observed number of replicas. More info: https://kubernetes.io/docs/concepts/workloads/controllers/replicationcontroller/#what-is-a-replicationcontroller'),
    fullyLabeledReplicas: int32().optional().describe('The number of pods that have labels matching the labels of the pod template of the replicaset.'),
    readyReplicas: int32().optional().describe('readyReplicas is the number of pods targeted by this ReplicaSet with a Ready Condition.'),
    availableReplicas: int32().optional().describe('The number of available replicas (ready for at least minReadySeconds) for this replica set.'),
    observedGeneration: int64().optional().describe('ObservedGeneration reflects the generation of the most recently observed ReplicaSet.'),
    conditions: list(ReplicaSetCondition, { type: 'map', keys: ['type'], mergeKey: 'type', strategy: 'merge' }).optional().describe("Represents the latest available observations of a replica set's current state."),
  })
  .meta({ id: `${APPS}.ReplicaSetStatus`, description: 'ReplicaSetStatus represents the current status of a ReplicaSet.' });
