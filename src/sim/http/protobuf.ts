// Request bodies in Kubernetes' protobuf encoding (Content-Type:
// application/vnd.kubernetes.protobuf), which client-go sends for built-in kinds when a client
// asks for it — k9s does, for its SelfSubjectAccessReviews. Only the kinds a client may POST in
// protobuf to the sim are described: the authorization.k8s.io/v1 self-subject reviews. The
// envelope is the 4-byte magic "k8s\0" and a runtime.Unknown (k8s.io/apimachinery
// runtime/generated.proto); the field numbers are those of k8s.io/api authorization/v1
// generated.proto. Answers stay JSON: client-go decodes a response by its Content-Type.
import protobuf from 'protobufjs/light.js';
import { ApiError } from '../errors.js';

export const PROTOBUF = 'application/vnd.kubernetes.protobuf';
const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

const s = (id: number) => ({ type: 'string', id });
const m = (type: string, id: number) => ({ type, id });
const root = protobuf.Root.fromJSON({
  nested: {
    TypeMeta: { fields: { apiVersion: s(1), kind: s(2) } },
    Unknown: { fields: { typeMeta: m('TypeMeta', 1), raw: m('bytes', 2), contentEncoding: s(3), contentType: s(4) } },
    ObjectMeta: { fields: { name: s(1), generateName: s(2), namespace: s(3) } },
    ResourceAttributes: { fields: { namespace: s(1), verb: s(2), group: s(3), version: s(4), resource: s(5), subresource: s(6), name: s(7) } },
    NonResourceAttributes: { fields: { path: s(1), verb: s(2) } },
    SelfSubjectAccessReviewSpec: { fields: { resourceAttributes: m('ResourceAttributes', 1), nonResourceAttributes: m('NonResourceAttributes', 2) } },
    SelfSubjectAccessReview: { fields: { metadata: m('ObjectMeta', 1), spec: m('SelfSubjectAccessReviewSpec', 2) } },
    SelfSubjectRulesReviewSpec: { fields: { namespace: s(1) } },
    SelfSubjectRulesReview: { fields: { metadata: m('ObjectMeta', 1), spec: m('SelfSubjectRulesReviewSpec', 2) } },
  },
});
const KINDS = new Set(['SelfSubjectAccessReview', 'SelfSubjectRulesReview']);

/**
 * A protobuf request body as the JSON object the same request would carry: `{ apiVersion,
 * kind, metadata, spec }`. Errors: 415 (UnsupportedMediaType, as kube-apiserver answers) for a
 * body without the envelope or of a kind the sim takes only as JSON; 400 for bytes that do not
 * decode.
 */
export function decodeProtobufBody(body: Buffer): Record<string, unknown> {
  if (body.length < MAGIC.length || !body.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new ApiError(415, 'UnsupportedMediaType', `the body of the request is not ${PROTOBUF}: it does not start with the k8s protobuf magic`);
  }
  try {
    const unknown = root.lookupType('Unknown').toObject(root.lookupType('Unknown').decode(body.subarray(MAGIC.length)), { defaults: false }) as { typeMeta?: { apiVersion?: string; kind?: string }; raw?: Uint8Array };
    const kind = unknown.typeMeta?.kind ?? '';
    if (!KINDS.has(kind)) {
      throw new ApiError(415, 'UnsupportedMediaType', `the simulated server takes ${kind || 'this kind'} as application/json only; ${PROTOBUF} is served for ${[...KINDS].join(' and ')}`);
    }
    const t = root.lookupType(kind);
    const obj = t.toObject(t.decode(unknown.raw ?? new Uint8Array()), { defaults: false }) as Record<string, unknown>;
    return { apiVersion: unknown.typeMeta?.apiVersion, kind, ...obj };
  } catch (e) {
    if (e instanceof ApiError) throw e;
    throw new ApiError(400, 'BadRequest', `the body of the request does not decode as ${PROTOBUF}: ${(e as Error).message}`);
  }
}
