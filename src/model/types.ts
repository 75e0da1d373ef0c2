// Plain-JSON shapes of Kubernetes objects as fleetdeck keeps them. Objects come from the
// wire as JSON and stay plain JSON everywhere (no class instances, no Date fields), so
// every field is optional and read through the safe accessors in ./access.ts.

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: unknown };

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
  [key: string]: unknown;
}

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  [key: string]: unknown;
}

export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown' | string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
  observedGeneration?: number;
}

export interface PrinterColumn {
  name: string;
  type: string;
  jsonPath: string;
  description?: string;
  priority?: number;
  format?: string;
}

/** One API resource as discovery describes it (a kind served at one group/version). */
export interface ResourceType {
  group: string; // '' for the core group
  version: string;
  resource: string; // plural, e.g. 'deployments'
  kind: string;
  singular: string;
  namespaced: boolean;
  verbs: string[];
  shortNames: string[];
  categories: string[];
  /** CRDs: additionalPrinterColumns of the served version. */
  printerColumns?: PrinterColumn[];
  /** the subresources discovery lists for it ('status', 'scale', 'log'...) */
  subresourceNames?: string[];
}

/** 'pods', 'deployments.apps', 'kustomizations.kustomize.toolkit.fluxcd.io' */
export function resourceKey(r: { group: string; resource: string }): string {
  return r.group ? `${r.resource}.${r.group}` : r.resource;
}

// per discovery result (a context's types are replaced, never edited)
const byKey = new WeakMap<readonly ResourceType[], Map<string, ResourceType>>();

/**
 * The served kind (not a subresource) whose resourceKey is `key` ('deployments.apps'), or
 * undefined. Indexed once per `types` array: callers must not change an array they look up in.
 */
export function typeOfKey(types: readonly ResourceType[], key: string): ResourceType | undefined {
  let index = byKey.get(types);
  if (!index) {
    index = new Map();
    for (const t of types) if (!t.resource.includes('/') && !index.has(resourceKey(t))) index.set(resourceKey(t), t);
    byKey.set(types, index);
  }
  return index.get(key);
}

/** The group of a resourceKey: 'deployments.apps' → 'apps', 'pods' → ''. */
export function groupOfResource(key: string): string {
  const i = key.indexOf('.');
  return i < 0 ? '' : key.slice(i + 1);
}

export function apiVersionOf(r: { group: string; version: string }): string {
  return r.group ? `${r.group}/${r.version}` : r.version;
}

/** Splits 'apps/v1' into group 'apps' and version 'v1'; 'v1' into '' and 'v1'. */
export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const i = apiVersion.indexOf('/');
  return i < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}

/**
 * One API request as fleetdeck plans, shows, audits and sends it: the method always spelled
 * out, query values as text. The door (src/kube/client.ts KubeRequest) takes it as is.
 */
export interface ApiRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** absolute API path, e.g. /apis/apps/v1/namespaces/ns/deployments/name */
  path: string;
  query?: Record<string, string>;
  contentType?: string;
  body?: unknown;
}

/** The answer to a request: the HTTP status and the body (parsed JSON when it was JSON, else the text). */
export interface ApiResponse {
  status: number;
  body: unknown;
}

/**
 * How complete one list+watch cache is (per context, resource and scope): `synced` once its
 * LIST finished; `syncing`/`retrying` before; `forbidden`/`unauthorized`/`unreachable` when it
 * cannot be; `stopped` once closed. Anything but `synced` means "not fully seen".
 */
export type ReflectorPhase = 'syncing' | 'synced' | 'retrying' | 'forbidden' | 'unauthorized' | 'unreachable' | 'stopped';

/** One container of one pod (a log stream's address within a context). */
export interface ContainerRef {
  namespace: string;
  pod: string;
  container: string;
}

/** How a container log is read (the /log endpoint's parameters). */
export interface LogStreamOptions {
  follow?: boolean;
  /** the last crashed instance of the container */
  previous?: boolean;
  sinceSeconds?: number;
  /** RFC3339; wins over sinceSeconds */
  sinceTime?: string;
  tailLines?: number;
}

/** One log line as the kubelet sent it, its timestamp taken off. */
export interface LogLine {
  /** RFC3339Nano as the kubelet wrote it; '' when the line carried none */
  ts: string;
  /** the line decoded as UTF-8 (invalid sequences as U+FFFD) */
  text: string;
  /** the line's bytes after the timestamp, only when they are not valid UTF-8 (`logs -o raw`
   * to a pipe writes them as they came) */
  raw?: Uint8Array;
}

/**
 * THE reference to one object anywhere in the fleet: what a view reports as its selection,
 * what commands act on, what logs/tree/yaml open. `resource` is the plural ('deployments'),
 * `group` '' for the core group; `uid` when known (it tells a re-created object apart).
 */
export interface ObjectRef {
  context: string;
  group: string;
  version: string;
  resource: string;
  kind: string;
  /** absent for cluster-scoped objects */
  namespace?: string;
  name: string;
  uid?: string;
}

/** How a plan, a dialog and the audit log name an object: an ObjectRef's kind, namespace and name. */
export type ObjectName = Pick<ObjectRef, 'kind' | 'namespace' | 'name'>;

/** The field where a cached Secret keeps the number of its data keys: the cache never holds
 * Secret values (src/kube/project.ts), but the DATA column shows how many there are. */
export const SECRET_DATA_COUNT = 'fleetdeckDataCount';
