import { z } from 'zod';
import { defineResource } from '../api/resource';
import { Time, typeMeta, type KObject } from '../k8s/meta';
import { humanDuration } from '../k8s/time';

const ObjectReference = z
  .looseObject({
    apiVersion: z.string().optional().describe('API version of the referent.'),
    fieldPath: z.string().optional().describe('If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement.'),
    kind: z.string().optional().describe('Kind of the referent.'),
    name: z.string().optional().describe('Name of the referent.'),
    namespace: z.string().optional().describe('Namespace of the referent.'),
    resourceVersion: z.string().optional().describe('Specific resourceVersion to which this reference is made, if any.'),
    uid: z.string().optional().describe('UID of the referent.'),
  })
  .meta({ id: 'io.k8s.api.core.v1.ObjectReference', description: 'ObjectReference contains enough information to let you inspect or modify the referred object.' });

export const EventSchema = z
  .looseObject({
    ...typeMeta,
    involvedObject: ObjectReference.describe('The object that this event is about.'),
    reason: z.string().optional().describe('This should be a short, machine understandable string that gives the reason for the transition into the object\'s current status.'),
    message: z.string().optional().describe('A human-readable description of the status of this operation.'),
    source: z.looseObject({ component: z.string().optional(), host: z.string().optional() }).optional().describe('The component reporting this event.'),
    firstTimestamp: Time.optional().describe('The time at which the event was first recorded.'),
    lastTimestamp: Time.optional().describe('The time at which the most recent occurrence of this event was recorded.'),
    count: z.number().int().optional().describe('The number of times this event has occurred.'),
    type: z.string().optional().describe('Type of this event (Normal, Warning), new types could be added in the future'),
    eventTime: z.string().optional().describe('Time when this Event was first observed.'),
    series: z.record(z.string(), z.unknown()).optional().describe('Data about the Event series this event represents or nil if it\'s a singleton Event.'),
    action: z.string().optional().describe('What action was taken/failed regarding to the Regarding object.'),
    related: ObjectReference.optional().describe('Optional secondary object for more complex actions.'),
    reportingComponent: z.string().optional().describe('Name of the controller that emitted this Event.'),
    reportingInstance: z.string().optional().describe('ID of the controller instance.'),
  })
  .meta({ id: 'io.k8s.api.core.v1.Event', description: 'Event is a report of an event somewhere in the cluster.' });

export type Event = KObject & z.infer<typeof EventSchema>;

const last = (e: Event) => e.lastTimestamp ?? e.eventTime ?? e.metadata.creationTimestamp;
const since = (t: string | undefined, now: Date) => (t ? humanDuration(now.getTime() - Date.parse(t)) : '<unknown>');
const object = (e: Event) => `${(e.involvedObject.kind ?? '').toLowerCase()}/${e.involvedObject.name ?? ''}`;

export const events = defineResource<Event>({
  group: '',
  version: 'v1',
  kind: 'Event',
  plural: 'events',
  namespaced: true,
  shortNames: ['ev'],
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  schema: EventSchema,
  columns: [
    { name: 'Last Seen', type: 'string', description: 'The time at which the most recent occurrence of this event was recorded.', cell: (e, now) => since(last(e), now) },
    { name: 'Type', type: 'string', description: 'Type of this event (Normal, Warning), new types could be added in the future.', cell: (e) => e.type ?? '' },
    { name: 'Reason', type: 'string', description: 'This should be a short, machine understandable string that gives the reason for the transition into the object\'s current status.', cell: (e) => e.reason ?? '' },
    { name: 'Object', type: 'string', description: 'The object that this event is about.', cell: object },
    { name: 'Subobject', type: 'string', priority: 1, description: 'The subobject that this event is about.', cell: (e) => e.involvedObject.fieldPath ?? '' },
    { name: 'Source', type: 'string', priority: 1, description: 'The component reporting this event.', cell: (e) => [e.source?.component, e.source?.host].filter(Boolean).join(', ') },
    { name: 'Message', type: 'string', description: 'A human-readable description of the status of this operation.', cell: (e) => e.message ?? '' },
    { name: 'First Seen', type: 'string', priority: 1, description: 'The time at which the event was first recorded.', cell: (e, now) => since(e.firstTimestamp ?? e.eventTime, now) },
    { name: 'Count', type: 'string', priority: 1, description: 'The number of times this event has occurred.', cell: (e) => String(e.count ?? 1) },
    { name: 'Name', type: 'string', priority: 1, description: 'Name must be unique within a namespace.', cell: (e) => e.metadata.name },
  ],
  fieldSelectors: {
    'involvedObject.kind': (e) => e.involvedObject.kind,
    'involvedObject.namespace': (e) => e.involvedObject.namespace,
    'involvedObject.name': (e) => e.involvedObject.name,
    'involvedObject.uid': (e) => e.involvedObject.uid,
    'involvedObject.apiVersion': (e) => e.involvedObject.apiVersion,
    'involvedObject.resourceVersion': (e) => e.involvedObject.resourceVersion,
    'involvedObject.fieldPath': (e) => e.involvedObject.fieldPath,
    reason: (e) => e.reason,
    reportingComponent: (e) => e.reportingComponent,
    source: (e) => e.source?.component,
    type: (e) => e.type,
  },
  example: {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: 'web.17a2b3c4d5e6f7a8' },
    involvedObject: { apiVersion: 'v1', kind: 'Pod', namespace: 'default', name: 'web' },
    reason: 'Pulled',
    message: 'Container image "nginx:1.27" already present on machine',
    source: { component: 'kubelet', host: 'node-1' },
    firstTimestamp: '2026-01-01T11:59:00Z',
    lastTimestamp: '2026-01-01T11:59:00Z',
    count: 1,
    type: 'Normal',
  },
});
