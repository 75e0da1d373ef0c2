// Text the API server writes (a Status.message refusing a request) reaches the TUI's message
// line and :outcomes: shown with its controls as visible escapes and its braces as text, the
// terminal's title never set, nothing of it acted on by the terminal.
import { afterEach, describe, expect, it } from 'vitest';
import { start, stopAll } from '../helpers/ui-rig.js';

afterEach(stopAll);

const MESSAGE = 'admission webhook "x" denied: \x1b]0;PWNED\x07\x1b[2J{red-fg}red{/} \u009b6n \u202eevil';

describe('a server\'s message in the TUI', () => {
  it('is shown visibly on the message line and in :outcomes, and changes no title', async () => {
    const r = start({ cols: 160, rows: 24, startCommand: 'deploy' });
    const titles: string[] = [];
    r.term.onTitleChange((t) => titles.push(t));
    r.store.failWrites = { status: 403, message: MESSAGE };
    await r.waitFor(/web/);
    r.keys('r');
    await r.waitFor(/<esc>(\/<n>)? cancel/);
    r.keys('y');
    const line = (await r.waitFor(/✗ .*failed/)).split('\n').at(-1)!;
    expect(line).toContain('\\e]0;PWNED\\a\\e[2J{red-fg}red{/} \\x9b6n \\u202eevil');
    r.keys(':outcomes\r');
    const t = await r.waitFor(/^ outcomes/m);
    expect(t).toContain('\\e]0;PWNED\\a');
    expect(titles.filter((x) => x !== 'fleetdeck')).toEqual([]);
    expect(t).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e]/);
  });
});
