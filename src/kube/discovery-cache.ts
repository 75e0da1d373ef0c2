// The discovery cache on disk, as kubectl keeps one (~/.kube/cache): one file per server and
// document (/api, /apis), holding the aggregated discovery answer and its ETag. Each start
// asks again with If-None-Match, so a change on the server (a CRD installed, a version
// removed) is seen at once; an unchanged server answers 304 with no body, which saves the
// transfer and the parse of a document that is hundreds of KB on a CRD-heavy cluster.
// Best effort: an unreadable, corrupt or unwritable cache is ignored (the answer is fetched
// whole), never an error. Files are private to the user (0600 in a 0700 directory).
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface CachedDocument {
  etag: string;
  body: unknown;
}

export interface DiscoveryCache {
  get(server: string, path: string): Promise<CachedDocument | undefined>;
  put(server: string, path: string, doc: CachedDocument): Promise<void>;
}

/** `https://Host:6443/prefix` → `host_6443_prefix`: kubectl's per-server directory name, made safe as one path segment. */
export function serverDirName(server: string): string {
  let u: URL;
  try {
    u = new URL(server);
  } catch {
    return server.replace(/[^A-Za-z0-9.-]/g, '_');
  }
  const port = u.port || (u.protocol === 'http:' ? '80' : '443');
  return `${u.hostname.toLowerCase()}_${port}${u.pathname.replace(/\/+$/, '')}`.replace(/[^A-Za-z0-9.-]/g, '_');
}

/** A cache under `dir` (e.g. $XDG_CACHE_HOME/fleetdeck/discovery). */
export function diskDiscoveryCache(dir: string): DiscoveryCache {
  const file = (server: string, path: string) => join(dir, serverDirName(server), `${path === '/api' ? 'api' : 'apis'}.json`);
  return {
    async get(server, path) {
      try {
        const doc = JSON.parse(await readFile(file(server, path), 'utf8')) as Partial<CachedDocument>;
        return typeof doc.etag === 'string' && doc.etag && doc.body && typeof doc.body === 'object' ? { etag: doc.etag, body: doc.body } : undefined;
      } catch {
        return undefined;
      }
    },
    async put(server, path, doc) {
      const f = file(server, path);
      try {
        await mkdir(join(dir, serverDirName(server)), { recursive: true, mode: 0o700 });
        // written whole then renamed: a reader never sees half a file
        const tmp = `${f}.${process.pid}.tmp`;
        await writeFile(tmp, JSON.stringify(doc), { mode: 0o600 });
        await rename(tmp, f);
      } catch {
        // a read-only or full disk: the next start fetches the document whole
      }
    },
  };
}
