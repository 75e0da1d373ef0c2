// The catalog of resources a simulated cluster serves: the built-in kinds as the real API
// describes them in discovery (verbs, short names, categories, subresources) and the Flux and
// operator kinds as their upstream CRDs define them (versions, short names, categories,
// printer columns, subresources). crdManifest() turns a custom resource into the
// CustomResourceDefinition object a real kube-apiserver accepts.
import type { KubeObject, PrinterColumn } from '../model/types.js';
import type { ScaleSubresource, SimResource } from './store.js';

export const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const NO_COLLECTION = ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'];

const replicasScale: ScaleSubresource = { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas', labelSelectorPath: '.status.selector' };

interface Def {
  group: string;
  version: string;
  resource: string;
  kind: string;
  namespaced?: boolean; // default true
  shortNames?: string[];
  categories?: string[];
  verbs?: string[];
  status?: boolean;
  scale?: ScaleSubresource;
  printerColumns?: PrinterColumn[];
}

function make(d: Def, crd: boolean): SimResource {
  return {
    group: d.group,
    version: d.version,
    resource: d.resource,
    kind: d.kind,
    singular: d.kind.toLowerCase(),
    namespaced: d.namespaced ?? true,
    verbs: d.verbs ?? ALL_VERBS,
    shortNames: d.shortNames ?? [],
    categories: d.categories ?? [],
    subresources: { status: d.status ?? false, ...(d.scale ? { scale: d.scale } : {}) },
    crd,
    ...(d.printerColumns ? { printerColumns: d.printerColumns } : {}),
  };
}

const BUILTINS: Def[] = [
  { group: '', version: 'v1', resource: 'namespaces', kind: 'Namespace', namespaced: false, shortNames: ['ns'], verbs: NO_COLLECTION, status: true },
  { group: '', version: 'v1', resource: 'nodes', kind: 'Node', namespaced: false, shortNames: ['no'], status: true },
  { group: '', version: 'v1', resource: 'pods', kind: 'Pod', shortNames: ['po'], categories: ['all'], status: true },
  { group: '', version: 'v1', resource: 'services', kind: 'Service', shortNames: ['svc'], categories: ['all'], verbs: NO_COLLECTION, status: true },
  { group: '', version: 'v1', resource: 'configmaps', kind: 'ConfigMap', shortNames: ['cm'] },
  { group: '', version: 'v1', resource: 'secrets', kind: 'Secret' },
  { group: '', version: 'v1', resource: 'events', kind: 'Event', shortNames: ['ev'] },
  { group: '', version: 'v1', resource: 'persistentvolumeclaims', kind: 'PersistentVolumeClaim', shortNames: ['pvc'], status: true },
  { group: 'apps', version: 'v1', resource: 'deployments', kind: 'Deployment', shortNames: ['deploy'], categories: ['all'], status: true, scale: replicasScale },
  { group: 'apps', version: 'v1', resource: 'replicasets', kind: 'ReplicaSet', shortNames: ['rs'], categories: ['all'], status: true, scale: replicasScale },
  { group: 'apps', version: 'v1', resource: 'statefulsets', kind: 'StatefulSet', shortNames: ['sts'], categories: ['all'], status: true, scale: replicasScale },
  { group: 'apps', version: 'v1', resource: 'daemonsets', kind: 'DaemonSet', shortNames: ['ds'], categories: ['all'], status: true },
  { group: 'apps', version: 'v1', resource: 'controllerrevisions', kind: 'ControllerRevision' },
  { group: 'batch', version: 'v1', resource: 'jobs', kind: 'Job', categories: ['all'], status: true },
  { group: 'batch', version: 'v1', resource: 'cronjobs', kind: 'CronJob', shortNames: ['cj'], categories: ['all'], status: true },
  { group: 'apiextensions.k8s.io', version: 'v1', resource: 'customresourcedefinitions', kind: 'CustomResourceDefinition', namespaced: false, shortNames: ['crd', 'crds'], categories: ['api-extensions'], status: true },
];

const ready = '.status.conditions[?(@.type=="Ready")].status';
const readyMsg = '.status.conditions[?(@.type=="Ready")].message';
const age: PrinterColumn = { name: 'Age', type: 'date', jsonPath: '.metadata.creationTimestamp' };
// Flux CRDs print Age, Ready, Status (sources put their URL first; OCIRepository has Age last)
const fluxReady: PrinterColumn[] = [{ name: 'Ready', type: 'string', jsonPath: ready }, { name: 'Status', type: 'string', jsonPath: readyMsg }];
const fluxTail: PrinterColumn[] = [age, ...fluxReady];
// Flux's CRDs are in `all` (kubectl get all lists them) and in fluxcd-sources / fluxcd-appliers
const fluxSources = ['all', 'fluxcd', 'fluxcd-sources'];
const fluxAppliers = ['all', 'fluxcd', 'fluxcd-appliers'];
// cert-manager writes its JSONPath filters with spaces
const cmReady = '.status.conditions[?(@.type == "Ready")].status';
const cmReadyMsg = '.status.conditions[?(@.type == "Ready")].message';

const CUSTOM: Def[] = [
  { group: 'source.toolkit.fluxcd.io', version: 'v1', resource: 'gitrepositories', kind: 'GitRepository', shortNames: ['gitrepo'], categories: fluxSources, status: true, printerColumns: [{ name: 'URL', type: 'string', jsonPath: '.spec.url' }, ...fluxTail] },
  { group: 'source.toolkit.fluxcd.io', version: 'v1', resource: 'ocirepositories', kind: 'OCIRepository', shortNames: ['ocirepo'], categories: fluxSources, status: true, printerColumns: [{ name: 'URL', type: 'string', jsonPath: '.spec.url' }, ...fluxReady, age] },
  { group: 'source.toolkit.fluxcd.io', version: 'v1', resource: 'helmrepositories', kind: 'HelmRepository', shortNames: ['helmrepo'], categories: fluxSources, status: true, printerColumns: [{ name: 'URL', type: 'string', jsonPath: '.spec.url' }, ...fluxTail] },
  {
    group: 'source.toolkit.fluxcd.io', version: 'v1', resource: 'helmcharts', kind: 'HelmChart', shortNames: ['hc'], categories: fluxSources, status: true,
    printerColumns: [
      { name: 'Chart', type: 'string', jsonPath: '.spec.chart' },
      { name: 'Version', type: 'string', jsonPath: '.spec.version' },
      { name: 'Source Kind', type: 'string', jsonPath: '.spec.sourceRef.kind' },
      { name: 'Source Name', type: 'string', jsonPath: '.spec.sourceRef.name' },
      ...fluxTail,
    ],
  },
  { group: 'source.toolkit.fluxcd.io', version: 'v1', resource: 'buckets', kind: 'Bucket', categories: fluxSources, status: true, printerColumns: [{ name: 'Endpoint', type: 'string', jsonPath: '.spec.endpoint' }, ...fluxTail] },
  { group: 'kustomize.toolkit.fluxcd.io', version: 'v1', resource: 'kustomizations', kind: 'Kustomization', shortNames: ['ks'], categories: fluxAppliers, status: true, printerColumns: fluxTail },
  { group: 'helm.toolkit.fluxcd.io', version: 'v2', resource: 'helmreleases', kind: 'HelmRelease', shortNames: ['hr'], categories: fluxAppliers, status: true, printerColumns: fluxTail },
  {
    group: 'cert-manager.io', version: 'v1', resource: 'certificates', kind: 'Certificate', shortNames: ['cert', 'certs'], categories: ['cert-manager'], status: true,
    printerColumns: [
      { name: 'Ready', type: 'string', jsonPath: cmReady },
      { name: 'Secret', type: 'string', jsonPath: '.spec.secretName' },
      { name: 'Issuer', type: 'string', jsonPath: '.spec.issuerRef.name', priority: 1 },
      { name: 'Status', type: 'string', jsonPath: cmReadyMsg, priority: 1 },
      { ...age, description: 'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.' },
    ],
  },
  {
    group: 'cert-manager.io', version: 'v1', resource: 'certificaterequests', kind: 'CertificateRequest', shortNames: ['cr', 'crs'], categories: ['cert-manager'], status: true,
    printerColumns: [
      { name: 'Approved', type: 'string', jsonPath: '.status.conditions[?(@.type == "Approved")].status' },
      { name: 'Denied', type: 'string', jsonPath: '.status.conditions[?(@.type == "Denied")].status' },
      { name: 'Ready', type: 'string', jsonPath: cmReady },
      { name: 'Issuer', type: 'string', jsonPath: '.spec.issuerRef.name' },
      { name: 'Requester', type: 'string', jsonPath: '.spec.username' },
      { name: 'Status', type: 'string', jsonPath: cmReadyMsg, priority: 1 },
      { ...age, description: 'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.' },
    ],
  },
  {
    group: 'cert-manager.io', version: 'v1', resource: 'issuers', kind: 'Issuer', shortNames: ['iss'], categories: ['cert-manager'], status: true,
    printerColumns: [{ name: 'Ready', type: 'string', jsonPath: cmReady }, { name: 'Status', type: 'string', jsonPath: cmReadyMsg, priority: 1 }, { ...age, description: 'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.' }],
  },
  {
    group: 'cert-manager.io', version: 'v1', resource: 'clusterissuers', kind: 'ClusterIssuer', namespaced: false, shortNames: ['ciss'], categories: ['cert-manager'], status: true,
    printerColumns: [{ name: 'Ready', type: 'string', jsonPath: cmReady }, { name: 'Status', type: 'string', jsonPath: cmReadyMsg, priority: 1 }, { ...age, description: 'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.' }],
  },
  {
    group: 'postgresql.cnpg.io', version: 'v1', resource: 'clusters', kind: 'Cluster', status: true,
    scale: { specReplicasPath: '.spec.instances', statusReplicasPath: '.status.instances' },
    printerColumns: [
      age,
      { name: 'Instances', type: 'integer', jsonPath: '.status.instances', description: 'Number of instances' },
      { name: 'Ready', type: 'integer', jsonPath: '.status.readyInstances', description: 'Number of ready instances' },
      { name: 'Status', type: 'string', jsonPath: '.status.phase', description: 'Cluster current status' },
      { name: 'Primary', type: 'string', jsonPath: '.status.currentPrimary', description: 'Primary pod' },
    ],
  },
  {
    group: 'monitoring.coreos.com', version: 'v1', resource: 'prometheuses', kind: 'Prometheus', shortNames: ['prom'], categories: ['prometheus-operator'], status: true,
    scale: { specReplicasPath: '.spec.shards', statusReplicasPath: '.status.shards', labelSelectorPath: '.status.selector' },
    printerColumns: [
      { name: 'Version', type: 'string', jsonPath: '.spec.version', description: 'The version of Prometheus' },
      { name: 'Desired', type: 'integer', jsonPath: '.spec.replicas', description: 'The number of desired replicas' },
      { name: 'Ready', type: 'integer', jsonPath: '.status.availableReplicas', description: 'The number of ready replicas' },
      { name: 'Reconciled', type: 'string', jsonPath: ".status.conditions[?(@.type == 'Reconciled')].status" },
      { name: 'Available', type: 'string', jsonPath: ".status.conditions[?(@.type == 'Available')].status" },
      age,
      { name: 'Paused', type: 'boolean', jsonPath: '.status.paused', description: 'Whether the resource reconciliation is paused or not', priority: 1 },
    ],
  },
  {
    group: 'kafka.strimzi.io', version: 'v1beta2', resource: 'kafkas', kind: 'Kafka', shortNames: ['k'], categories: ['strimzi'], status: true,
    printerColumns: [
      { name: 'Desired Kafka replicas', type: 'integer', jsonPath: '.spec.kafka.replicas', description: 'The desired number of Kafka replicas in the cluster' },
      { name: 'Desired ZK replicas', type: 'integer', jsonPath: '.spec.zookeeper.replicas', description: 'The desired number of ZooKeeper replicas in the cluster' },
      { name: 'Ready', type: 'string', jsonPath: ready, description: 'The state of the custom resource' },
      { name: 'Metadata State', type: 'string', jsonPath: '.status.kafkaMetadataState', description: 'The state of the cluster metadata' },
      { name: 'Warnings', type: 'string', jsonPath: '.status.conditions[?(@.type=="Warning")].status', description: 'Warnings related to the custom resource' },
    ],
  },
  // Argo CD's Application CRD declares no subresources: its controller writes status with the object
  {
    group: 'argoproj.io', version: 'v1alpha1', resource: 'applications', kind: 'Application', shortNames: ['app', 'apps'],
    printerColumns: [
      { name: 'Sync Status', type: 'string', jsonPath: '.status.sync.status' },
      { name: 'Health Status', type: 'string', jsonPath: '.status.health.status' },
      { name: 'Revision', type: 'string', jsonPath: '.status.sync.revision', priority: 10 },
      { name: 'Project', type: 'string', jsonPath: '.spec.project', priority: 10 },
    ],
  },
];

export function builtinResources(): SimResource[] {
  return BUILTINS.map((d) => make(d, false));
}

export function crdResources(): SimResource[] {
  return CUSTOM.map((d) => make(d, true));
}

/** The apiextensions.k8s.io/v1 CustomResourceDefinition that serves a custom resource. */
export function crdManifest(r: SimResource): KubeObject {
  const subresources: Record<string, unknown> = {};
  if (r.subresources.status) subresources.status = {};
  if (r.subresources.scale) subresources.scale = { ...r.subresources.scale };
  const version: Record<string, unknown> = {
    name: r.version,
    served: true,
    storage: true,
    schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
  };
  if (Object.keys(subresources).length > 0) version.subresources = subresources;
  if (r.printerColumns?.length) version.additionalPrinterColumns = r.printerColumns.map((c) => ({ ...c }));
  const names: Record<string, unknown> = { plural: r.resource, singular: r.singular, kind: r.kind, listKind: `${r.kind}List` };
  if (r.shortNames.length) names.shortNames = [...r.shortNames];
  if (r.categories.length) names.categories = [...r.categories];
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${r.resource}.${r.group}` },
    spec: {
      group: r.group,
      names,
      scope: r.namespaced ? 'Namespaced' : 'Cluster',
      versions: [version],
    },
  };
}
