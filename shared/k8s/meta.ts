import { z } from 'zod';
import { ObjectMeta } from './generated/meta-v1';

// meta/v1, generated from the Kubernetes 1.32 models (scripts/generate-types.ts), plus the shapes every kind
// shares. Objects are loose: fields we do not model survive a round-trip.

export { Condition, LabelSelector, LabelSelectorRequirement, ManagedFieldsEntry, ObjectMeta, OwnerReference } from './generated/meta-v1';
export { MicroTime, Time } from './primitives';

/** Fields every top-level object has, with the descriptions kubectl explain prints. */
export const typeMeta = {
  apiVersion: z.string().optional().describe('APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values.'),
  kind: z.string().optional().describe('Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase.'),
  metadata: ObjectMeta.optional().describe("Standard object's metadata."),
};

/** The minimal shape the generic machinery relies on; kinds add spec/status. */
export interface KObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta & { name: string };
  [field: string]: unknown;
}
