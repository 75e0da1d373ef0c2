import { describe, expect, it } from 'vitest';
import { editDistance, suggestNames, unknownCommandText } from '../../src/model/suggest.js';

describe('unknown-command suggestions (cobra\'s rule)', () => {
  it('counts single-character edits, case ignored', () => {
    expect(editDistance('stauts', 'status')).toBe(2);
    expect(editDistance('Scale', 'scael')).toBe(2);
    expect(editDistance('', 'tree')).toBe(4);
    expect(editDistance('tree', 'tree')).toBe(0);
  });
  it('suggests names within two edits or starting with the word, in their order', () => {
    const names = ['status', 'tree', 'trace', 'restart', 'resume', 'scale', 'help'];
    expect(suggestNames('stauts', names)).toEqual(['status']);
    expect(suggestNames('tre', names)).toEqual(['tree', 'trace']);
    expect(suggestNames('resta', names)).toEqual(['restart']);
    expect(suggestNames('res', names)).toEqual(['tree', 'restart', 'resume']);
    expect(suggestNames('frobnicate', names)).toEqual([]);
  });
  it('says it as cobra does, with the program for kubectl', () => {
    expect(unknownCommandText('fleetdeck', 'frobnicate', ['status'])).toBe('error: unknown command "frobnicate" for "fleetdeck"\nRun \'fleetdeck --help\' for usage.');
    expect(unknownCommandText('fleetdeck', 'crate', ['create', 'delete'])).toBe('error: unknown command "crate" for "fleetdeck"\n\nDid you mean this?\n\tcreate\n\nRun \'fleetdeck --help\' for usage.');
    // a typed escape is shown, never sent
    expect(unknownCommandText('fleetdeck', 'x\u001b]0;T\u0007', [])).toBe('error: unknown command "x\\u001b]0;T\\u0007" for "fleetdeck"\nRun \'fleetdeck --help\' for usage.');
  });
});
