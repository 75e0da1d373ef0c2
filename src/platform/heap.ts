// One full collection of the V8 heap, on request (issue 22: the TUI's RSS against kubectl and
// k9s). Parsing a first LIST of 10k pods promotes much of its garbage to the old space, where
// it stays until a full collection V8 sees no reason to run while the session is idle; the
// launcher asks for one once the first lists are in, which compacts the old space and lets V8's
// memory reducer hand the free pages back.
import v8 from 'node:v8';
import vm from 'node:vm';

let gc: ((options?: { type: 'minor' }) => void) | undefined;

/** A full collection, or with `minor` only the young generation's (a scavenge: a few ms). */
export function collectGarbage(type: 'full' | 'minor' = 'full'): void {
  if (!gc) {
    // the gc function exists only in contexts made after the flag is set
    v8.setFlagsFromString('--expose-gc');
    gc = vm.runInNewContext('gc') as typeof gc;
  }
  // no argument is a full collection (Node 20's V8 reads `{ type: 'major' }` as a minor one)
  if (type === 'minor') gc!({ type });
  else gc!();
}
