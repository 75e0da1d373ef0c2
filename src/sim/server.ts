// The simulated Kubernetes API server of one SimCluster: TLS on 127.0.0.1 speaking HTTP/2 or
// HTTP/1.1 as the client's ALPN asks (kube-apiserver offers both: Go clients multiplex over h2,
// upgrades to exec/port-forward stay on HTTP/1.1), bearer token auth, the cluster's access rules and faults, discovery, list/watch/get and writes
// (create, update, patch in three formats, delete), /status, /scale and pod logs. Errors
// are Status bodies as the real API writes them, so client-node and kubectl work unchanged.
import { randomUUID } from 'node:crypto';
import { createHash } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createH2Server, type Http2ServerRequest, type Http2ServerResponse } from 'node:http2';
import type { Socket } from 'node:net';
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';
import { at, isRecord } from '../model/access.js';
import { formatLabelSelector, labelSelectorFromObject } from '../model/selector.js';
import type { KubeObject } from '../model/types.js';
import { apiVersionOf, resourceKey } from '../model/types.js';
import type { SimCluster } from './cluster.js';
import { ApiError, badRequest, forbidden, notFound } from './errors.js';
import type { SimResource } from './store.js';
import { AGGREGATED_V2, aggregatedDiscovery, apiGroup, apiGroupList, apiResourceList, apiVersions, wantsAggregated } from './http/discovery.js';
import { AUTHZ_GROUP, AUTHZ_VERSION, authzGroupDoc, authzResourceList, review, type AccessDecision } from './http/authz.js';
import { objectFilter } from './http/fields.js';
import { serveLogs } from './http/logs.js';
import { applyPatch, patchTypeOf } from './http/patch.js';
import { readJson, sendError, sendJson } from './http/respond.js';
import { parseResourcePath, type ResourceRoute } from './http/route.js';
import { asServed } from './crds.js';
import { table, type IncludeObject } from './http/table.js';
import { simTlsCert, simTlsKey } from './http/tls.js';
import { startWatch, type OpenWatch } from './http/watch.js';
import { METRICS_GROUP, METRICS_VERSION, metricsGroupDoc, metricsResourceList, serveMetrics } from './http/metrics.js';
import { rejectUpgrade, streamServer } from './http/streams.js';
import type { Duplex } from 'node:stream';

export interface ServeOptions {
  port?: number;
  /** interval of BOOKMARK events on watches that allow them */
  bookmarkIntervalMs?: number;
  /** https with the fixed sim certificate (default); kubectl sends tokens only over https */
  tls?: boolean;
}

export interface ClusterServer {
  port: number;
  url: string;
  /** PEM of the CA that verifies the server (the self-signed sim certificate), when TLS */
  caCert?: string;
  close(): Promise<void>;
  /** ends every open watch stream abruptly (chaos: dropped connections) */
  dropWatches(): void;
  /** closes and reopens the listener on the same port */
  restart(): Promise<void>;
}

interface Snapshot {
  items: KubeObject[];
  rv: number;
}

const maxSnapshots = 64;
const expiredContinue =
  'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.';

type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';

const stripTypeMeta = (o: KubeObject): Omit<KubeObject, 'kind' | 'apiVersion'> => {
  const { kind: _k, apiVersion: _a, ...rest } = o;
  return rest;
};

function wantsTable(req: IncomingMessage): boolean {
  return (req.headers.accept ?? '').split(',').some((part) => /;\s*as=Table\b/.test(part));
}

function includeObjectOf(q: URLSearchParams): IncludeObject {
  const v = q.get('includeObject');
  if (v === null) return 'Metadata';
  if (v === 'None' || v === 'Metadata' || v === 'Object') return v;
  throw badRequest(`includeObject: Unsupported value: "${v}": supported values: "Metadata", "None", "Object"`);
}

function isDryRun(q: URLSearchParams, body?: unknown): boolean {
  if (q.getAll('dryRun').includes('All')) return true;
  return isRecord(body) && Array.isArray(body.dryRun) && body.dryRun.includes('All');
}

function pathSegments(p: string): string[] {
  return p.replace(/^\./, '').split('.');
}

function setPath(o: KubeObject, path: string, v: unknown): void {
  const segs = pathSegments(path);
  let cur: Record<string, unknown> = o;
  for (const s of segs.slice(0, -1)) {
    if (!isRecord(cur[s])) cur[s] = {};
    cur = cur[s] as Record<string, unknown>;
  }
  cur[segs[segs.length - 1]] = v;
}

function scaleOf(r: SimResource, o: KubeObject): Record<string, unknown> {
  const sc = r.subresources.scale!;
  // built-in kinds report their spec.selector (as the API's scale handlers do); CRDs say where theirs is
  const selPath = r.crd ? sc.labelSelectorPath : '.spec.selector';
  const rawSel = selPath ? at(o, ...pathSegments(selPath)) : undefined;
  let selector: string | undefined;
  if (typeof rawSel === 'string') selector = rawSel;
  else if (isRecord(rawSel)) selector = formatLabelSelector(labelSelectorFromObject(rawSel) ?? []);
  const m = o.metadata;
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { name: m.name, namespace: m.namespace, uid: m.uid, resourceVersion: m.resourceVersion, creationTimestamp: m.creationTimestamp },
    spec: { replicas: Number(at(o, ...pathSegments(sc.specReplicasPath)) ?? 0) },
    status: { replicas: Number(at(o, ...pathSegments(sc.statusReplicasPath)) ?? 0), ...(selector ? { selector } : {}) },
  };
}

export async function serveCluster(cluster: SimCluster, opts: ServeOptions = {}): Promise<ClusterServer> {
  const store = cluster.store;
  const bookmarkIntervalMs = opts.bookmarkIntervalMs ?? 5000;
  const watches = new Set<OpenWatch>();
  const sockets = new Set<Socket>();
  const snapshots = new Map<string, Snapshot>();

  const rule = (): { denyResources: string[]; denyNamespaces: string[]; allowNamespaces?: string[] } => {
    const rs = cluster.access.filter((a) => a.user === cluster.user);
    const allow = rs.filter((a) => a.allowNamespaces).flatMap((a) => a.allowNamespaces!);
    return { denyResources: rs.flatMap((a) => a.denyResources ?? []), denyNamespaces: rs.flatMap((a) => a.denyNamespaces ?? []), ...(rs.some((a) => a.allowNamespaces) ? { allowNamespaces: allow } : {}) };
  };

  function denied(verb: string, r: { group: string; resource: string }, ns: string | undefined, name?: string, sub?: string): ApiError {
    const resource = sub ? `${r.resource}/${sub}` : r.resource;
    const e = forbidden(cluster.user, verb, resource, r.group, ns);
    if (!name) return e;
    const what = resourceKey(r);
    return new ApiError(403, 'Forbidden', e.message.replace(/^\S+ is forbidden/, `${what} "${name}" is forbidden`), { name, group: r.group, kind: r.resource });
  }

  // the one access decision: requests are refused by it and reviews (authorization.k8s.io) answer from it
  const decide: AccessDecision = (verb, r, ns, name, sub) => {
    if (cluster.faults.forbidAll) return denied(verb, r, ns, name, sub);
    const { denyResources, denyNamespaces, allowNamespaces } = rule();
    if (denyResources.includes(resourceKey(r))) return denied(verb, r, ns, name, sub);
    // bound by RoleBindings only: nothing cluster-scoped, nothing across namespaces, nothing outside them
    if (allowNamespaces && (!r.namespaced || ns === undefined || !allowNamespaces.includes(ns))) return denied(verb, r, ns, name, sub);
    if (ns !== undefined && denyNamespaces.includes(ns)) return denied(verb, r, ns, name, sub);
    // a user bound only in some namespaces cannot list across all of them
    if (ns === undefined && r.namespaced && denyNamespaces.length > 0) return denied(verb, r, undefined, name, sub);
    return undefined;
  };

  function checkAccess(verb: Verb, route: ResourceRoute): void {
    const e = decide(verb, route.resource, route.namespace, route.name, route.subresource);
    if (e) throw e;
  }

  function rememberSnapshot(s: Snapshot): string {
    const id = randomUUID();
    snapshots.set(id, s);
    if (snapshots.size > maxSnapshots) snapshots.delete(snapshots.keys().next().value as string);
    return id;
  }

  function list(route: ResourceRoute, q: URLSearchParams, req: IncomingMessage, res: ServerResponse): void {
    const r = route.resource;
    const filter = objectFilter(r, route.namespace, q);
    const limit = q.has('limit') ? Number(q.get('limit')) : 0;
    if (!Number.isInteger(limit) || limit < 0) throw badRequest(`limit: Invalid value: "${q.get('limit')}"`);
    const token = q.get('continue');
    let snap: Snapshot;
    let start = 0;
    let id: string | undefined;
    if (token) {
      let parsed: { id?: string; start?: number; rv?: number };
      try {
        parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as typeof parsed;
      } catch {
        throw badRequest('continue key is not valid: illegal base64 data');
      }
      const found = parsed.id ? snapshots.get(parsed.id) : undefined;
      if (!found || typeof parsed.start !== 'number') throw new ApiError(410, 'Expired', expiredContinue);
      try {
        store.eventsSince(found.rv);
      } catch {
        snapshots.delete(parsed.id!);
        throw new ApiError(410, 'Expired', expiredContinue);
      }
      snap = found;
      start = parsed.start;
      id = parsed.id;
    } else {
      snap = { items: store.list(resourceKey(r), route.namespace).filter(filter.matches), rv: store.currentRv() };
    }
    const end = limit > 0 ? Math.min(start + limit, snap.items.length) : snap.items.length;
    const page = snap.items.slice(start, end);
    const meta: Record<string, unknown> = { resourceVersion: String(snap.rv) };
    if (end < snap.items.length) {
      id ??= rememberSnapshot(snap);
      meta.continue = Buffer.from(JSON.stringify({ id, start: end, rv: snap.rv })).toString('base64url');
      meta.remainingItemCount = snap.items.length - end;
    }
    if (wantsTable(req)) {
      sendJson(res, 200, table(r, page, includeObjectOf(q), meta));
      return;
    }
    sendJson(res, 200, { kind: `${r.kind}List`, apiVersion: apiVersionOf(r), metadata: meta, items: page.map(stripTypeMeta) });
  }

  function watch(route: ResourceRoute, q: URLSearchParams, req: IncomingMessage, res: ServerResponse): void {
    const timeout = q.get('timeoutSeconds');
    const w = startWatch(
      store,
      {
        resource: route.resource,
        filter: objectFilter(route.resource, route.namespace, q),
        resourceVersion: q.get('resourceVersion') ?? undefined,
        bookmarks: q.get('allowWatchBookmarks') === 'true',
        bookmarkIntervalMs,
        timeoutSeconds: timeout === null ? undefined : Number(timeout),
        sendInitialEvents: q.get('sendInitialEvents') === 'true',
        table: wantsTable(req) ? includeObjectOf(q) : undefined,
      },
      req,
      res,
      (ended) => watches.delete(ended),
    );
    watches.add(w);
  }

  const keyOf = (route: ResourceRoute): string => resourceKey(route.resource);

  function mustGet(route: ResourceRoute): KubeObject {
    const r = route.resource;
    const o = store.get(keyOf(route), route.namespace, route.name!);
    if (!o) throw notFound(r.resource, r.group, route.name!);
    return o;
  }

  function sendObject(req: IncomingMessage, res: ServerResponse, r: SimResource, q: URLSearchParams, code: number, o: KubeObject): void {
    if (wantsTable(req)) sendJson(res, code, table(r, [o], includeObjectOf(q), { resourceVersion: o.metadata.resourceVersion }));
    else sendJson(res, code, asServed(r, o));
  }

  /** Writes the main object as `next` says, through /status when that is the target. */
  function write(route: ResourceRoute, next: KubeObject, dryRun: boolean): KubeObject {
    const r = route.resource;
    next.metadata = { ...next.metadata, name: route.name! };
    if (r.namespaced) next.metadata.namespace = route.namespace;
    return store.update(keyOf(route), next, { dryRun, ...(route.subresource === 'status' ? { subresource: 'status' as const } : {}) });
  }

  function scaleWrite(route: ResourceRoute, scale: unknown, dryRun: boolean): KubeObject {
    const r = route.resource;
    const current = mustGet(route);
    const replicas = at(scale, 'spec', 'replicas');
    if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
      throw new ApiError(422, 'Invalid', `Scale.autoscaling "${route.name}" is invalid: spec.replicas: Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`);
    }
    const next = structuredClone(current);
    setPath(next, r.subresources.scale!.specReplicasPath, replicas);
    const rv = at(scale, 'metadata', 'resourceVersion');
    next.metadata.resourceVersion = typeof rv === 'string' && rv !== '' ? rv : current.metadata.resourceVersion;
    return store.update(keyOf(route), next, { dryRun });
  }

  async function handleResource(route: ResourceRoute, q: URLSearchParams, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const r = route.resource;
    const method = req.method ?? 'GET';
    const watching = q.get('watch') === 'true' || q.get('watch') === '1';
    const sub = route.subresource;

    if (!route.name) {
      const verbs: Record<string, Verb> = { GET: watching ? 'watch' : 'list', POST: 'create', DELETE: 'deletecollection' };
      const verb = verbs[method];
      if (!verb) throw new ApiError(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource`);
      checkAccess(verb, route);
      if (verb === 'watch') return watch(route, q, req, res);
      if (verb === 'list') return list(route, q, req, res);
      if (verb === 'create') {
        const body = await readJson(req);
        if (!isRecord(body) || !isRecord(body.metadata)) throw badRequest('the body of the request must be an object with metadata');
        const obj = body as KubeObject;
        if (r.namespaced && route.namespace === undefined) throw new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
        if (r.namespaced && obj.metadata.namespace && obj.metadata.namespace !== route.namespace) {
          throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
        }
        if (r.namespaced) obj.metadata.namespace = route.namespace;
        return sendJson(res, 201, asServed(r, store.create(keyOf(route), obj, { dryRun: isDryRun(q) })));
      }
      const filter = objectFilter(r, route.namespace, q);
      const dryRun = isDryRun(q);
      const gone = store.list(keyOf(route), route.namespace).filter(filter.matches).map((o) => store.delete(keyOf(route), o.metadata.namespace, o.metadata.name, { dryRun }));
      return sendJson(res, 200, { kind: `${r.kind}List`, apiVersion: apiVersionOf(r), metadata: { resourceVersion: String(store.currentRv()) }, items: gone });
    }

    if (sub === 'exec' || sub === 'portforward') {
      // the real API server answers a plain request on a streaming subresource this way
      throw badRequest('Upgrade request required');
    }

    if (sub === 'log') {
      if (method !== 'GET') throw new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
      checkAccess('get', route);
      return serveLogs(cluster, route.namespace ?? '', route.name, q, req, res);
    }

    const verbs: Record<string, Verb> = { GET: 'get', PUT: 'update', PATCH: 'patch', DELETE: 'delete' };
    const verb = verbs[method];
    if (!verb || (sub && verb === 'delete')) throw new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
    checkAccess(verb, route);

    if (verb === 'get') {
      const o = mustGet(route);
      if (sub === 'scale') return sendJson(res, 200, scaleOf(r, o));
      return sendObject(req, res, r, q, 200, o);
    }
    if (verb === 'delete') {
      const body = await readJson(req);
      const pre = at(body, 'preconditions');
      const current = mustGet(route);
      if (isRecord(pre)) {
        if (typeof pre.uid === 'string' && pre.uid !== current.metadata.uid) {
          throw new ApiError(409, 'Conflict', `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${current.metadata.uid}`);
        }
        if (typeof pre.resourceVersion === 'string' && pre.resourceVersion !== current.metadata.resourceVersion) {
          throw new ApiError(409, 'Conflict', `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${current.metadata.resourceVersion}`);
        }
      }
      return sendJson(res, 200, asServed(r, store.delete(keyOf(route), route.namespace, route.name, { dryRun: isDryRun(q, body) })));
    }
    const dryRun = isDryRun(q);
    if (verb === 'update') {
      const body = await readJson(req);
      if (!isRecord(body) || !isRecord(body.metadata)) throw badRequest('the body of the request must be an object with metadata');
      if (sub === 'scale') return sendJson(res, 200, scaleOf(r, scaleWrite(route, body, dryRun)));
      const obj = body as KubeObject;
      if (obj.metadata.name && obj.metadata.name !== route.name) {
        throw badRequest(`the name of the object (${obj.metadata.name}) does not match the name on the URL (${route.name})`);
      }
      if (r.namespaced && obj.metadata.namespace && obj.metadata.namespace !== route.namespace) {
        throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
      }
      return sendJson(res, 200, asServed(r, write(route, obj, dryRun)));
    }

    // PATCH
    const type = patchTypeOf(req.headers['content-type']);
    const unsupported = (): ApiError =>
      new ApiError(
        415,
        'UnsupportedMediaType',
        `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json${r.crd ? '' : ', application/strategic-merge-patch+json'}`,
      );
    if (!type || type === 'apply' || (type === 'strategic' && r.crd && sub !== 'scale')) throw unsupported();
    const body = await readJson(req);
    const current = mustGet(route);
    if (sub === 'scale') return sendJson(res, 200, scaleOf(r, scaleWrite(route, applyPatch(type, scaleOf(r, current), body), dryRun)));
    const patched = applyPatch(type, current, body);
    if (!isRecord(patched) || !isRecord(patched.metadata)) throw new ApiError(422, 'Invalid', 'the patch removed the object metadata');
    return sendJson(res, 200, asServed(r, write(route, patched as KubeObject, dryRun)));
  }

  function nonResource(pathname: string, req: IncomingMessage, res: ServerResponse): boolean {
    const seg = pathname.split('/').filter((s) => s !== '');
    if (pathname === '/version') {
      sendJson(res, 200, { ...cluster.serverVersion, gitCommit: 'simulated', gitTreeState: 'clean', buildDate: '2026-01-01T00:00:00Z', goVersion: 'go1.23', compiler: 'gc', platform: 'linux/amd64' });
      return true;
    }
    if (['/healthz', '/livez', '/readyz'].includes(pathname)) {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end('ok');
      return true;
    }
    let doc: Record<string, unknown> | undefined;
    const metrics = cluster.metrics !== false;
    if ((pathname === '/api' || pathname === '/apis') && wantsAggregated(req.headers.accept)) {
      // aggregated discovery, as kube-apiserver serves it: one document, an ETag, 304 when unchanged
      const lists = (group: string, version: string): Record<string, unknown> | undefined =>
        metrics && group === METRICS_GROUP && version === METRICS_VERSION ? metricsResourceList()
        : group === AUTHZ_GROUP && version === AUTHZ_VERSION ? authzResourceList()
        : apiResourceList(store, group, version);
      const body = JSON.stringify(aggregatedDiscovery(store, pathname, [...(metrics ? [metricsGroupDoc()] : []), authzGroupDoc()], lists));
      const etag = `"${createHash('sha256').update(body).digest('hex').slice(0, 32)}"`;
      if (req.headers['if-none-match'] === etag) {
        res.writeHead(304, { ETag: etag });
        res.end();
        return true;
      }
      res.writeHead(200, { 'Content-Type': AGGREGATED_V2, ETag: etag, 'Content-Length': Buffer.byteLength(body) });
      res.end(body);
      return true;
    }
    if (pathname === '/api') doc = apiVersions();
    else if (pathname === '/apis') doc = apiGroupList(store, [...(metrics ? [metricsGroupDoc()] : []), authzGroupDoc()]);
    else if (metrics && pathname === `/apis/${METRICS_GROUP}`) doc = { kind: 'APIGroup', apiVersion: 'v1', ...metricsGroupDoc() };
    else if (pathname === `/apis/${AUTHZ_GROUP}`) doc = { kind: 'APIGroup', apiVersion: 'v1', ...authzGroupDoc() };
    else if (pathname === `/apis/${AUTHZ_GROUP}/${AUTHZ_VERSION}`) doc = authzResourceList();
    else if (seg[0] === 'api' && seg.length === 2) doc = apiResourceList(store, '', seg[1]);
    else if (seg[0] === 'apis' && seg.length === 2) doc = apiGroup(store, seg[1]);
    else if (seg[0] === 'apis' && seg.length === 3) doc = apiResourceList(store, seg[1], seg[2]);
    else return false;
    if (!doc) return false;
    sendJson(res, 200, doc);
    return true;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const faults = cluster.faults;
    if (faults.hang) return; // the socket stays open and unanswered until the client gives up
    if (faults.latencyMs > 0) await new Promise((r) => setTimeout(r, faults.latencyMs));
    if (req.headers.authorization !== `Bearer ${cluster.token}`) {
      sendJson(res, 401, new ApiError(401, 'Unauthorized', 'Unauthorized').status());
      return;
    }
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const metricsBase = `/apis/${METRICS_GROUP}/${METRICS_VERSION}`;
    if (cluster.metrics !== false && (url.pathname === metricsBase || url.pathname.startsWith(`${metricsBase}/`))) {
      if (cluster.faults.forbidAll) throw new ApiError(403, 'Forbidden', `forbidden: User "${cluster.user}" cannot list resource "pods" in API group "${METRICS_GROUP}"`);
      if (req.method !== 'GET') throw new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
      const segs = url.pathname.slice(metricsBase.length).split('/').filter((x) => x !== '').map(decodeURIComponent);
      if (serveMetrics(store, segs, url.searchParams, res)) return;
      throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
    }
    const authzBase = `/apis/${AUTHZ_GROUP}/${AUTHZ_VERSION}/`;
    if (req.method === 'POST' && url.pathname.startsWith(authzBase)) {
      sendJson(res, 201, review(url.pathname.slice(authzBase.length), await readJson(req), store, decide));
      return;
    }
    const route = parseResourcePath(store, url.pathname);
    if (!route) {
      if (faults.forbidAll) throw new ApiError(403, 'Forbidden', `forbidden: User "${cluster.user}" cannot get path "${url.pathname}"`);
      if (req.method === 'GET' && nonResource(url.pathname, req, res)) return;
      throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
    }
    await handleResource(route, url.searchParams, req, res);
  }

  const tls = opts.tls ?? true;
  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    handle(req, res).catch((e) => sendError(res, e));
  };
  const http1 = createHttpServer(onRequest);
  // The h2 compatibility API has the request/response methods the handlers use (writeHead,
  // write, end, destroy, flushHeaders, writableLength, headers, url, method, 'close').
  const h2 = createH2Server({}, (req: Http2ServerRequest, res: Http2ServerResponse) => onRequest(req as unknown as IncomingMessage, res as unknown as ServerResponse));
  const server = tls
    ? createTlsServer({ key: simTlsKey, cert: simTlsCert, ALPNProtocols: ['h2', 'http/1.1'] }, (s: TLSSocket) => (s.alpnProtocol === 'h2' ? h2 : http1).emit('connection', s))
    : http1;
  const streams = streamServer(cluster);
  // WebSocket upgrades: pods/exec and pods/portforward, with the same auth, faults and access rules
  http1.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    sockets.add(socket as Socket);
    socket.once('close', () => sockets.delete(socket as Socket));
    socket.on('error', () => socket.destroy());
    void (async () => {
      const faults = cluster.faults;
      if (faults.hang) return;
      if (faults.latencyMs > 0) await new Promise((r) => setTimeout(r, faults.latencyMs));
      if (req.headers.authorization !== `Bearer ${cluster.token}`) throw new ApiError(401, 'Unauthorized', 'Unauthorized');
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const route = parseResourcePath(store, url.pathname);
      const sub = route?.subresource;
      if (!route || !route.name || (sub !== 'exec' && sub !== 'portforward')) throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
      if (req.method !== 'GET' && req.method !== 'POST') throw new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
      checkAccess('create', route);
      await streams.upgrade(sub, route.namespace ?? '', route.name, url.searchParams, req, socket, head);
    })().catch((e) => rejectUpgrade(socket, e));
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  const listen = (port: number): Promise<number> =>
    new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        const addr = server.address();
        resolve(typeof addr === 'object' && addr ? addr.port : port);
      });
    });
  const shut = (final: boolean): Promise<void> =>
    new Promise((resolve) => {
      if (final) void streams.close();
      else streams.drop();
      for (const w of [...watches]) w.drop();
      server.close(() => resolve());
      for (const s of sockets) s.destroy();
    });

  const port = await listen(opts.port ?? 0);
  return {
    port,
    url: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    ...(tls ? { caCert: simTlsCert } : {}),
    close: () => shut(true),
    dropWatches: () => {
      for (const w of [...watches]) w.drop();
    },
    restart: async () => {
      await shut(false);
      await listen(port);
    },
  };
}
