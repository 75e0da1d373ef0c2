// A list kept in blocks of a few hundred items: an insert or a removal moves the items of one
// block, not of the whole list, so a sorted table of 100k rows takes a change in time
// proportional to the block size and the log of the row count, not to the row count. Each item
// may carry a value of its own (`aux`: a row's search text) kept next to it, in the list's order,
// so that a pass over every item reads them in memory order.

/** What a block list and a plain array both offer to a reader of a window of rows. */
export interface ListLike<T> {
  readonly length: number;
  at(index: number): T | undefined;
  slice(start?: number, end?: number): T[];
}

interface Block<T, A> {
  items: T[];
  aux: (A | undefined)[];
}

export const BLOCK_SIZE = 512;

export class BlockList<T, A = never> implements ListLike<T> {
  private blocks: Block<T, A>[] = [];
  /** the index of each block's first item; stale while `dirty` */
  private starts: number[] = [];
  private dirty = false;
  private size = 0;

  constructor(
    items: readonly T[] = [],
    aux?: readonly (A | undefined)[],
    private readonly blockSize = BLOCK_SIZE,
  ) {
    for (let i = 0; i < items.length; i += blockSize) {
      this.blocks.push({ items: items.slice(i, i + blockSize), aux: aux ? aux.slice(i, i + blockSize) : new Array<A | undefined>(Math.min(blockSize, items.length - i)).fill(undefined) });
    }
    this.size = items.length;
    this.dirty = true;
  }

  /** A list built by appending, one item at a time, in order. */
  static build<T, A>(fill: (push: (item: T, aux?: A) => void) => void, blockSize = BLOCK_SIZE): BlockList<T, A> {
    const list = new BlockList<T, A>([], undefined, blockSize);
    fill((item, aux) => list.push(item, aux));
    return list;
  }

  /** Appends an item (a new block once the last is full). */
  push(item: T, aux?: A): void {
    let block = this.blocks[this.blocks.length - 1];
    if (!block || block.items.length >= this.blockSize) {
      block = { items: [], aux: [] };
      this.blocks.push(block);
    }
    block.items.push(item);
    block.aux.push(aux);
    this.size++;
    this.dirty = true;
  }

  get length(): number {
    return this.size;
  }

  private index(): void {
    if (!this.dirty) return;
    let at = 0;
    this.starts.length = this.blocks.length;
    for (let b = 0; b < this.blocks.length; b++) {
      this.starts[b] = at;
      at += this.blocks[b].items.length;
    }
    this.dirty = false;
  }

  /** The block holding item `i` (0 <= i < length) and the item's place in it. */
  private locate(i: number): [number, number] {
    this.index();
    let lo = 0;
    let hi = this.blocks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.starts[mid] <= i) lo = mid;
      else hi = mid - 1;
    }
    return [lo, i - this.starts[lo]];
  }

  at(i: number): T | undefined {
    if (i < 0 || i >= this.size || !Number.isInteger(i)) return undefined;
    const [b, j] = this.locate(i);
    return this.blocks[b].items[j];
  }

  auxAt(i: number): A | undefined {
    if (i < 0 || i >= this.size) return undefined;
    const [b, j] = this.locate(i);
    return this.blocks[b].aux[j];
  }

  slice(start = 0, end = this.size): T[] {
    const from = Math.max(0, start < 0 ? this.size + start : start);
    const to = Math.min(this.size, end < 0 ? this.size + end : end);
    const out: T[] = [];
    if (from >= to) return out;
    let [b, j] = this.locate(from);
    for (let n = to - from; n > 0; b++, j = 0) {
      const items = this.blocks[b].items;
      const take = Math.min(n, items.length - j);
      for (let k = 0; k < take; k++) out.push(items[j + k]);
      n -= take;
    }
    return out;
  }

  /** The index of an item (-1: not there), by a scan. */
  indexOf(item: T): number {
    let start = 0;
    for (const block of this.blocks) {
      const j = block.items.indexOf(item);
      if (j >= 0) return start + j;
      start += block.items.length;
    }
    return -1;
  }

  /**
   * Every block in order: its items, their aux values (the caller may fill these in) and the
   * index of its first item. For passes over every item: no call or allocation per item.
   */
  forEachBlock(fn: (items: readonly T[], aux: (A | undefined)[], start: number) => void): void {
    let start = 0;
    for (const block of this.blocks) {
      fn(block.items, block.aux, start);
      start += block.items.length;
    }
  }

  /** The block holding the first item that is not `before` (blocks.length: none) and its place in it. */
  private find(before: (item: T) => boolean): [number, number] {
    // the first block whose last item is not before
    let lo = 0;
    let hi = this.blocks.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const items = this.blocks[mid].items;
      if (before(items[items.length - 1])) lo = mid + 1;
      else hi = mid;
    }
    if (lo === this.blocks.length) return [lo, 0];
    const items = this.blocks[lo].items;
    let i = 0;
    let j = items.length;
    while (i < j) {
      const mid = (i + j) >>> 1;
      if (before(items[mid])) i = mid + 1;
      else j = mid;
    }
    return [lo, i];
  }

  /** The first index whose item is not `before` (`before` holds for a prefix of the list). */
  lowerBound(before: (item: T) => boolean): number {
    const [b, j] = this.find(before);
    if (b === this.blocks.length) return this.size;
    this.index();
    return this.starts[b] + j;
  }

  /**
   * In a list ordered so that `order(x)` (x against the item) is < 0 for a prefix, then 0, then
   * > 0: puts `item` after those before it or tied with it. One search, no index of the list.
   */
  insertSorted(item: T, order: (x: T) => number, aux?: A): void {
    let [b, j] = this.find((x) => order(x) <= 0);
    if (b === this.blocks.length) {
      if (!this.blocks.length) this.blocks.push({ items: [], aux: [] });
      b = this.blocks.length - 1;
      j = this.blocks[b].items.length;
    }
    this.insertIn(b, j, item, aux);
  }

  /** In a list ordered as for insertSorted: where the very `item` is among those tied with it. */
  private findItem(item: T, order: (x: T) => number): [number, number] | undefined {
    let [b, j] = this.find((x) => order(x) < 0);
    // the tied items may run on into the next blocks
    for (; b < this.blocks.length; b++, j = 0) {
      const items = this.blocks[b].items;
      for (; j < items.length; j++) {
        if (items[j] === item) return [b, j];
        if (order(items[j]) !== 0) return undefined;
      }
    }
    return undefined;
  }

  /** In a list ordered as for insertSorted: takes the very `item` out from among those tied with it. False when it is not there. */
  removeSorted(item: T, order: (x: T) => number): boolean {
    const at = this.findItem(item, order);
    if (at) this.removeIn(...at);
    return !!at;
  }

  /**
   * In a list ordered as for insertSorted: puts `next` (which the order places where `item`
   * is, tied with it) in the place of `item`. False when `item` is not there.
   */
  replaceSorted(item: T, next: T, order: (x: T) => number, aux?: A): boolean {
    const at = this.findItem(item, order);
    if (!at) return false;
    const block = this.blocks[at[0]];
    block.items[at[1]] = next;
    block.aux[at[1]] = aux;
    return true;
  }

  insert(i: number, item: T, aux?: A): void {
    if (i < 0 || i > this.size) throw new RangeError(`insert at ${i} of ${this.size}`);
    if (!this.blocks.length) this.blocks.push({ items: [], aux: [] });
    if (i === this.size) this.insertIn(this.blocks.length - 1, this.blocks[this.blocks.length - 1].items.length, item, aux);
    else this.insertIn(...this.locate(i), item, aux);
  }

  removeAt(i: number): T {
    if (i < 0 || i >= this.size) throw new RangeError(`remove at ${i} of ${this.size}`);
    const [b, j] = this.locate(i);
    return this.removeIn(b, j);
  }

  private insertIn(b: number, j: number, item: T, aux: A | undefined): void {
    const block = this.blocks[b];
    block.items.splice(j, 0, item);
    block.aux.splice(j, 0, aux);
    this.size++;
    this.dirty = true;
    if (block.items.length >= 2 * this.blockSize) {
      const half = block.items.length >>> 1;
      this.blocks.splice(b + 1, 0, { items: block.items.splice(half), aux: block.aux.splice(half) });
    }
  }

  private removeIn(b: number, j: number): T {
    const block = this.blocks[b];
    const [item] = block.items.splice(j, 1);
    block.aux.splice(j, 1);
    this.size--;
    this.dirty = true;
    if (!block.items.length) this.blocks.splice(b, 1);
    else if (b + 1 < this.blocks.length && block.items.length + this.blocks[b + 1].items.length <= this.blockSize) {
      // two small neighbours become one, so the block count stays ~ length / blockSize
      const next = this.blocks[b + 1];
      block.items.push(...next.items);
      block.aux.push(...next.aux);
      this.blocks.splice(b + 1, 1);
    }
    return item;
  }
}
