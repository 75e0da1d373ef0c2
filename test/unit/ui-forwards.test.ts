// The :pf view's hint names its keys as the footer and help do (the command table): it said
// `<ctrl-d> stop forwarding` where the footer said `<ctrl-d> delete`, and in the vim keymap
// (shift-d) it named a key that is not bound there.
import { describe, expect, it } from 'vitest';
import { loadKeymap } from '../../src/config/keymap.js';
import { loadTheme } from '../../src/config/theme.js';
import { ForwardsView, type Triage } from '../../src/ui/triage.js';
import type { AppContext } from '../../src/ui/view.js';

const plain = (rows: string[]): string[] => rows.map((r) => r.replace(/\{[^}]*\}/g, ''));

function viewWith(keymap: 'default' | 'vim', forwards: unknown[]): ForwardsView {
  const app = { theme: loadTheme('default', { configDir: null }), keymap: loadKeymap(keymap, { configDir: null }), render: () => {}, message: () => {} };
  const triage = { forwards: () => forwards, stopForward: async () => {} };
  return new ForwardsView(app as unknown as AppContext, triage as unknown as Triage);
}

const forward = {
  id: 1, context: 'dev', namespace: 'shop', pod: 'web-1',
  fwd: { localPort: 8080, addresses: ['127.0.0.1:8080', '[::1]:8080'], target: { port: 80 }, onChange: () => () => {}, stats: () => ({ active: 0, connections: 0, bytesIn: 0, bytesOut: 0 }) },
};

describe('ForwardsView', () => {
  it('says its keys with the command table\'s labels, in the keymap in use', () => {
    expect(plain(viewWith('default', [forward]).render(120, 10)).at(-1)).toBe('<ctrl-d> delete (stops the selected port-forward)  <esc> back');
    expect(plain(viewWith('vim', [forward]).render(120, 10)).at(-1)).toBe('<shift-d> delete (stops the selected port-forward)  <esc> back');
    expect(plain(viewWith('default', []).render(120, 10))[0]).toBe('no port-forwards: <shift-f> on a pod (or a workload/service row) starts one');
  });
});
