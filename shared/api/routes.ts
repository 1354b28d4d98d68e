import {
  createHandler,
  deleteCollectionHandler,
  deleteHandler,
  getHandler,
  listHandler,
  patchHandler,
  scaleGetHandler,
  scalePatchHandler,
  scaleUpdateHandler,
  statusGetHandler,
  statusPatchHandler,
  statusUpdateHandler,
  updateHandler,
  type RouteHandler,
} from './handlers';
import { ephemeralGetHandler, ephemeralPatchHandler, ephemeralUpdateHandler } from './ephemeral';
import { attachHandler, execHandler } from './exec';
import { logHandler } from './logs';
import { metricsGetHandler, metricsListHandler } from './metrics';
import { portForwardHandler } from './portforward';
import type { ResourceDefinition, Verb } from './resource';

type Subresource = ResourceDefinition['subresources'][number];
type Factory = (def: ResourceDefinition) => RouteHandler;

// A watch is a list or get with ?watch=true: it has no route of its own.
const OBJECT: Partial<Record<Verb, Factory>> = {
  list: listHandler,
  get: getHandler,
  create: createHandler,
  update: updateHandler,
  patch: patchHandler,
  delete: deleteHandler,
  deletecollection: deleteCollectionHandler,
};

const SUBRESOURCES: Record<Subresource, Partial<Record<Verb, Factory>>> = {
  status: { get: statusGetHandler, update: statusUpdateHandler, patch: statusPatchHandler },
  scale: { get: scaleGetHandler, update: scaleUpdateHandler, patch: scalePatchHandler },
  log: { get: () => logHandler() },
  // Streams (websocket or SPDY upgrades): kubectl opens them with GET, older clients with POST.
  exec: { get: () => execHandler('GET'), create: () => execHandler('POST') },
  attach: { get: () => attachHandler('GET'), create: () => attachHandler('POST') },
  portforward: { get: () => portForwardHandler('GET'), create: () => portForwardHandler('POST') },
  ephemeralcontainers: { get: () => ephemeralGetHandler(), update: () => ephemeralUpdateHandler(), patch: () => ephemeralPatchHandler() },
};

/** Kinds whose objects are not stored but computed on each read (metrics.k8s.io from Docker stats). */
const COMPUTED: Record<string, Partial<Record<Verb, Factory>>> = {
  'nodes.metrics.k8s.io': { list: metricsListHandler, get: metricsGetHandler },
  'pods.metrics.k8s.io': { list: metricsListHandler, get: metricsGetHandler },
};

export interface ResourceRoute {
  verb: Verb;
  subresource?: Subresource;
  /**
   * The module's path under handlers/ without extension, after the URL: `api/v1/pods/get`,
   * `apis/apps/v1/deployments/scale/patch`; a subresource with a single verb is one module (`api/v1/pods/log`).
   */
  file: string;
}

/** Every route a kind serves: one per verb it declares, and per verb of each subresource that it also has. */
export function resourceRoutes(def: ResourceDefinition): ResourceRoute[] {
  const base = `${def.prefix.slice(1)}/${def.plural}`;
  const routes: ResourceRoute[] = [];
  for (const verb of def.verbs) if (OBJECT[verb]) routes.push({ verb, file: `${base}/${verb}` });
  for (const subresource of def.subresources) {
    const verbs = Object.keys(SUBRESOURCES[subresource]) as Verb[];
    for (const verb of verbs.filter((v) => def.verbs.includes(v))) {
      routes.push({ verb, subresource, file: verbs.length === 1 ? `${base}/${subresource}` : `${base}/${subresource}/${verb}` });
    }
  }
  return routes;
}

/** The handler of one of the kind's routes, as its module exports it. */
export function routeHandler(def: ResourceDefinition, verb: Verb, subresource?: Subresource): RouteHandler {
  const factory = subresource ? SUBRESOURCES[subresource]?.[verb] : (COMPUTED[def.resource]?.[verb] ?? OBJECT[verb]);
  if (!factory || !resourceRoutes(def).some((r) => r.verb === verb && r.subresource === subresource)) {
    throw new Error(`${def.resource} has no ${verb} route${subresource ? ` on ${subresource}` : ''}`);
  }
  return factory(def);
}
