// The state badge of a context in the header, from its ContextStatus and its reflectors.
import type { Role } from '../config/theme.js';
import type { ContextStatus, ReflectorStatus } from '../fleet/types.js';

/** 'limited': ready, but some kinds or namespaces are forbidden to this user (RBAC) */
export type Badge = 'ready' | 'syncing' | 'degraded' | 'unreachable' | 'forbidden' | 'limited';

export const BADGE_SYMBOL: Record<Badge, string> = { ready: '✓', syncing: '●', degraded: '▲', unreachable: '✗', forbidden: '⊘', limited: '⊘' };
export const BADGE_ROLE: Record<Badge, Role> = {
  ready: 'badge.ready', syncing: 'badge.syncing', degraded: 'badge.degraded', unreachable: 'badge.unreachable', forbidden: 'badge.forbidden',
  limited: 'badge.forbidden',
};

export function badgeOf(status: ContextStatus | undefined, reflectors: ReflectorStatus[]): Badge {
  if (!status) return 'unreachable';
  if (status.state === 'unreachable') return 'unreachable';
  if (status.state === 'auth-error') return 'forbidden';
  if (status.state === 'connecting') return 'syncing';
  if (status.state === 'degraded') return 'degraded';
  const mine = reflectors.filter((r) => r.context === status.name);
  // discovered, but nothing watched yet (the views hold their kinds at the next batch): nothing
  // of it is known, so it is not ready
  if (mine.length === 0) return 'syncing';
  if (mine.some((r) => r.phase === 'retrying' || r.phase === 'unreachable' || r.phase === 'unauthorized')) return 'degraded';
  if (mine.some((r) => r.phase === 'syncing')) return 'syncing';
  // a user bound to some namespaces or kinds still sees the rest: that is a limit, not a wall
  const walled = mine.filter((r) => r.phase === 'forbidden').length;
  if (walled > 0 && walled === mine.length) return 'forbidden';
  if (walled > 0 || status.forbidden?.length) return 'limited';
  return 'ready';
}
