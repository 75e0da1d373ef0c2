import { describe, expect, it } from 'vitest';
import { badgeOf } from '../../src/ui/badges.js';
import type { ContextStatus, ReflectorStatus } from '../../src/fleet/types.js';

const ctx = (over: Partial<ContextStatus> = {}): ContextStatus => ({ name: 'staging', state: 'ready', ...over });
const refl = (resource: string, phase: ReflectorStatus['phase']): ReflectorStatus => ({ context: 'staging', resource, phase, objects: 0 });

describe('context badges', () => {
  it('ready when every cache synced', () => {
    expect(badgeOf(ctx(), [refl('pods', 'synced')])).toBe('ready');
  });

  it('limited, not forbidden, when the user sees some kinds or namespaces but not others', () => {
    expect(badgeOf(ctx({ forbidden: ['pods in kube-system'] }), [refl('pods', 'synced')])).toBe('limited');
    expect(badgeOf(ctx(), [refl('pods', 'synced'), refl('secrets', 'forbidden')])).toBe('limited');
  });

  it('forbidden when nothing watched is visible', () => {
    expect(badgeOf(ctx({ forbidden: ['pods'] }), [refl('pods', 'forbidden')])).toBe('forbidden');
    expect(badgeOf(ctx({ state: 'auth-error' }), [])).toBe('forbidden');
  });

  it('trouble outranks limits; unknown contexts are unreachable', () => {
    expect(badgeOf(ctx(), [refl('pods', 'retrying'), refl('secrets', 'forbidden')])).toBe('degraded');
    expect(badgeOf(ctx({ state: 'unreachable' }), [])).toBe('unreachable');
    expect(badgeOf(undefined, [])).toBe('unreachable');
    expect(badgeOf(ctx(), [refl('pods', 'syncing')])).toBe('syncing');
  });
});
