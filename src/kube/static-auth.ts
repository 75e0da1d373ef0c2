// The headers of a kubeconfig user whose credential is fixed, without loading client-node.
import type { User } from '@kubernetes/client-node';

/**
 * Request headers for a user with a fixed credential: `Authorization: Bearer <token>` (token
 * or tokenFile, read at load), else `Basic base64(username:password)`, plus
 * `Impersonate-User` for `as`; client certificates go in TLS and add no header. These are
 * exactly the headers client-node's KubeConfig.applySecurityAuthentication sets for such a
 * user (the unit test compares the two). Returns undefined for a user whose credential
 * client-node computes (an auth-provider) or that runs an exec plugin
 * (src/kube/exec-credential.ts): those keep going through client-node.
 * Why not always client-node: importing it costs 0.7–4.6 s before the first request on a
 * 2-core machine (measured for `fleetdeck logs`: first line 6.2 s, stern's 0.18 s).
 */
export function staticAuthHeaders(user: User): Record<string, string> | undefined {
  if (user.authProvider || user.exec) return undefined;
  const headers: Record<string, string> = {};
  if (user.token) headers.Authorization = `Bearer ${user.token}`;
  else if (user.username) headers.Authorization = `Basic ${Buffer.from(`${user.username}:${user.password}`).toString('base64')}`;
  if (user.impersonateUser != null) headers['Impersonate-User'] = user.impersonateUser;
  return headers;
}
