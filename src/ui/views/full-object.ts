// The object as the API serves it, for the views that show an object whole (YAML, describe):
// the caches keep projected objects (src/kube/project.ts: only what tables, health and trees
// read), so these GET it. Asked again when the cached copy's resourceVersion moves on.
import { isRecord } from '../../model/access.js';
import { objectPath } from '../../model/patches.js';
import type { KubeObject, ResourceType } from '../../model/types.js';
import type { AppContext } from '../view.js';

export class FullObject {
  /** the last object the API answered with */
  object: KubeObject | undefined;
  /** why the last GET failed, in the API's words */
  error: string | undefined;
  /** the cached resourceVersion the last GET was made for */
  private askedFor: string | undefined;
  private inFlight = false;
  private closed = false;

  constructor(
    private readonly app: AppContext,
    private readonly context: string,
    private readonly rt: ResourceType,
    private readonly namespace: string | undefined,
    private readonly name: string,
  ) {}

  /** GETs the object unless a GET for this cached resourceVersion was made already (or is under way). */
  refresh(cachedRv: string | undefined): void {
    if (this.closed || this.inFlight || (this.askedFor !== undefined && this.askedFor === (cachedRv ?? ''))) return;
    this.askedFor = cachedRv ?? '';
    this.inFlight = true;
    const what = `${this.rt.resource}/${this.name}`;
    this.app.store.request(this.context, { path: objectPath(this.rt, this.namespace, this.name) }).then(
      (res) => {
        this.inFlight = false;
        if (this.closed) return;
        if (res.status === 200 && isRecord(res.body)) {
          this.object = res.body as KubeObject;
          this.error = undefined;
        } else {
          this.error = `HTTP ${res.status}`;
          this.app.message(`could not read ${what}: ${this.error}`, 'error');
        }
        this.app.render();
      },
      (e: unknown) => {
        this.inFlight = false;
        if (this.closed) return;
        this.error = (e as Error).message;
        this.app.message(`could not read ${what}: ${this.error}`, 'error');
        this.app.render();
      },
    );
  }

  close(): void {
    this.closed = true;
  }
}
