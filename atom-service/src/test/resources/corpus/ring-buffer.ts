// A fixed-capacity ring buffer. Written for the Hartonomous test corpus: no TypeScript source
// was found on the build machine.

export interface Queue<T> {
  readonly size: number;
  push(value: T): boolean;
  shift(): T | undefined;
}

/** Keeps the newest `capacity` values; pushing into a full buffer drops nothing and answers false. */
export class RingBuffer<T> implements Queue<T> {
  private readonly items: Array<T | undefined>;
  private head = 0;
  private count = 0;

  constructor(private readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`capacity must be a positive integer, not ${capacity}`);
    }
    this.items = new Array<T | undefined>(capacity);
  }

  get size(): number {
    return this.count;
  }

  push(value: T): boolean {
    if (this.count === this.capacity) {
      return false;
    }
    this.items[(this.head + this.count) % this.capacity] = value;
    this.count++;
    return true;
  }

  shift(): T | undefined {
    if (this.count === 0) {
      return undefined;
    }
    const value = this.items[this.head];
    this.items[this.head] = undefined;
    this.head = (this.head + 1) % this.capacity;
    this.count--;
    return value;
  }

  *[Symbol.iterator](): IterableIterator<T> {
    for (let i = 0; i < this.count; i++) {
      yield this.items[(this.head + i) % this.capacity] as T;
    }
  }
}

export function drain<T>(queue: Queue<T>, sink: (value: T) => void): number {
  let n = 0;
  for (let v = queue.shift(); v !== undefined; v = queue.shift()) {
    sink(v);
    n++;
  }
  return n;
}
