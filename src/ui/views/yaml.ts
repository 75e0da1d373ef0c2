// YAML of one object: neat (no managedFields, no last-applied annotation), coloured from
// the theme, Secret data masked until toggled (per view, never persisted). The caches hold
// projected objects (no Secret data, a pod without its volumes, env, probes...), so the
// object is read from the API (a GET through the store); while that is under way, or when it
// fails, the cached copy is shown under a comment saying so.
import { stringify } from 'yaml';
import type { Role } from '../../config/theme.js';
import { isRecord } from '../../model/access.js';
import { decodeSecret } from '../../model/secret.js';
import { termLine } from '../../model/sanitize.js';
import { apiVersionOf, resourceKey, type KubeObject, type ResourceType } from '../../model/types.js';
import type { CommandId } from '../../commands/table.js';
import { escapeTags, paint } from '../style.js';
import { objectScope, type AppContext, type ViewScope } from '../view.js';
import { FullObject } from './full-object.js';
import { TextView } from './text.js';

export const MASK = '••••••';
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/** A copy without the fields nobody reads in a YAML view. */
export function neat(obj: KubeObject): KubeObject {
  const { managedFields: _m, ...metadata } = obj.metadata;
  if (metadata.annotations) {
    const { [LAST_APPLIED]: _l, ...rest } = metadata.annotations;
    metadata.annotations = Object.keys(rest).length ? rest : undefined;
    if (!metadata.annotations) delete metadata.annotations;
  }
  return { ...obj, metadata };
}

export function maskSecret(obj: KubeObject): KubeObject {
  if (obj.kind !== 'Secret') return obj;
  const out: KubeObject = { ...obj };
  for (const field of ['data', 'stringData']) {
    const d = obj[field];
    if (isRecord(d)) out[field] = Object.fromEntries(Object.keys(d).map((k) => [k, MASK]));
  }
  return out;
}

const SCALAR: [RegExp, Role][] = [
  [/^(true|false)$/, 'yaml.bool'],
  [/^(null|~)$/, 'yaml.null'],
  [/^-?\d+(\.\d+)?$/, 'yaml.number'],
];

/** Colours one line of YAML: key, punctuation, scalar by type. */
export function colourYamlLine(app: AppContext, line: string): string {
  const m = /^(\s*)(- )?([^:#'"\s][^:]*|"[^"]*"|'[^']*'):( |$)(.*)$/.exec(line);
  const t = app.theme;
  const scalar = (v: string): string => {
    if (v === '') return '';
    if (v.includes(MASK)) return paint(t, 'yaml.masked', v);
    const role = SCALAR.find(([re]) => re.test(v))?.[1] ?? 'yaml.string';
    return paint(t, role, v);
  };
  if (!m) {
    const item = /^(\s*)(- )(.*)$/.exec(line);
    if (item) return escapeTags(item[1]) + paint(t, 'yaml.punct', '- ') + scalar(item[3]);
    return scalar(line.trimStart()) ? escapeTags(line.slice(0, line.length - line.trimStart().length)) + scalar(line.trimStart()) : '';
  }
  return escapeTags(m[1]) + (m[2] ? paint(t, 'yaml.punct', m[2]) : '') + paint(t, 'yaml.key', m[3]) + paint(t, 'yaml.punct', ':') + m[4] + scalar(m[5]);
}

export class YamlView extends TextView {
  private revealed = false;
  private readonly full: FullObject;
  private cache: { width: number; rv: string | undefined; read: boolean; error: string | undefined; lines: string[] } | undefined;

  constructor(
    app: AppContext,
    private readonly context: string,
    private readonly rt: ResourceType,
    private readonly obj: KubeObject,
  ) {
    super(app);
    this.full = new FullObject(app, context, rt, obj.metadata.namespace, obj.metadata.name);
    this.full.refresh(this.cached().metadata.resourceVersion);
  }

  close(): void {
    this.full.close();
  }

  /** The cached copy as it is now (the one the view was opened on if it left the cache). */
  private cached(): KubeObject {
    return this.app.store.get(this.context, resourceKey(this.rt), this.obj.metadata.namespace, this.obj.metadata.name) ?? this.obj;
  }

  protected override extraActions(): CommandId[] {
    return this.rt.kind === 'Secret' ? ['toggle-secret', 'copy'] : ['copy'];
  }

  /** The YAML as shown (a Secret masked unless revealed): what `c` copies. */
  text(): string {
    // cached list items carry no apiVersion/kind: the resource type knows them (and masking needs the kind)
    const shown: KubeObject = { apiVersion: apiVersionOf(this.rt), kind: this.rt.kind, ...neat(this.full.object ?? this.cached()) };
    return stringify(this.revealed ? decodeSecret(shown) : maskSecret(shown), { lineWidth: 0 });
  }

  override handle(action: CommandId): boolean {
    if (action === 'copy') {
      if (this.app.triage) this.app.triage.copy(`the YAML of ${this.rt.kind.toLowerCase()}/${this.obj.metadata.name}${this.rt.kind === 'Secret' && !this.revealed ? ' (values masked)' : ''}`, this.text());
      return true;
    }
    if (action === 'toggle-secret' && this.rt.kind === 'Secret') {
      this.revealed = !this.revealed;
      this.cache = undefined;
      return true;
    }
    return super.handle(action);
  }

  title(): string {
    return `yaml ${this.rt.kind.toLowerCase()}/${this.obj.metadata.name}`;
  }

  scope(): ViewScope {
    return objectScope(this.context, this.obj);
  }

  override status(): string {
    const secret = this.rt.kind === 'Secret' ? (this.revealed ? '[decoded]' : '[masked]') : '';
    return [super.status(), secret].filter(Boolean).join(' ');
  }

  protected lines(width: number): string[] {
    const cached = this.cached();
    this.full.refresh(cached.metadata.resourceVersion);
    const read = this.full.object !== undefined;
    const rv = (this.full.object ?? cached).metadata.resourceVersion;
    if (this.cache?.width === width && this.cache.rv === rv && this.cache.read === read && this.cache.error === this.full.error) return this.cache.lines;
    // a Secret before its fetch came back has no data to decode: say so rather than show nothing
    if (this.rt.kind === 'Secret' && this.revealed && !read) return [paint(this.app.theme, 'status.muted', 'reading the Secret…')];
    const text = this.text();
    const lines = text.replace(/\n$/, '').split('\n').map((l) => colourYamlLine(this.app, l));
    if (!read) {
      const why = this.full.error ? `the API did not answer (${this.full.error})` : 'reading it from the API…';
      lines.unshift(paint(this.app.theme, 'status.muted', escapeTags(termLine(`# ${why}: the cached copy, without the fields no table reads`))));
    }
    this.cache = { width, rv, read, error: this.full.error, lines };
    return lines;
  }
}
