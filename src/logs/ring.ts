// A fixed-capacity ring: pushing onto a full ring drops the oldest item. Items are addressed
// by their absolute sequence number (0 = the first ever pushed), so readers can keep a
// position across evictions.
export class Ring<T> {
  private readonly items: (T | undefined)[];
  private head = 0; // slot of the oldest item
  private count = 0;
  private pushed = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`ring capacity must be a positive integer, got ${capacity}`);
    this.items = new Array<T | undefined>(capacity);
  }

  get size(): number {
    return this.count;
  }

  /** items ever pushed; the newest has sequence total - 1 */
  get total(): number {
    return this.pushed;
  }

  /** sequence number of the oldest retained item */
  get first(): number {
    return this.pushed - this.count;
  }

  push(item: T): void {
    if (this.count < this.capacity) {
      this.items[(this.head + this.count) % this.capacity] = item;
      this.count++;
    } else {
      this.items[this.head] = item;
      this.head = (this.head + 1) % this.capacity;
    }
    this.pushed++;
  }

  /** the item with this sequence number, if still retained */
  at(seq: number): T | undefined {
    if (seq < this.first || seq >= this.pushed) return undefined;
    return this.items[(this.head + (seq - this.first)) % this.capacity];
  }

  clear(): void {
    this.items.fill(undefined);
    this.head = 0;
    this.count = 0;
  }

  *[Symbol.iterator](): IterableIterator<T> {
    for (let i = 0; i < this.count; i++) yield this.items[(this.head + i) % this.capacity] as T;
  }

  toArray(): T[] {
    return [...this];
  }
}
