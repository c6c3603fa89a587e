// A bounded FIFO: O(1) append and eviction, indexed oldest first. It also counts everything ever pushed, so a
// reader can name an item by its absolute index and tell whether it has been evicted since.

export class Ring<T> {
  private items: T[] = []
  private head = 0
  length = 0
  /** Items ever pushed: the next item's absolute index. */
  total = 0

  constructor(private capacity: number) {}

  /** Absolute index of the oldest item held. */
  get first(): number {
    return this.total - this.length
  }

  push(item: T): void {
    if (this.length < this.capacity) this.items[(this.head + this.length++) % this.capacity] = item
    else {
      this.items[this.head] = item
      this.head = (this.head + 1) % this.capacity
    }
    this.total++
  }

  /** The i-th item held, 0 being the oldest. */
  at(i: number): T | undefined {
    return i >= 0 && i < this.length ? this.items[(this.head + i) % this.capacity] : undefined
  }

  /** The item with this absolute index, unless evicted or not pushed yet. */
  get(n: number): T | undefined {
    return this.at(n - this.first)
  }

  last(): T | undefined {
    return this.at(this.length - 1)
  }

  /** Keeps the newest items that fit; absolute indexes stay valid. */
  resize(capacity: number): void {
    if (capacity === this.capacity) return
    const kept: T[] = []
    for (let i = Math.max(0, this.length - capacity); i < this.length; i++) {
      const item = this.at(i)
      if (item !== undefined) kept.push(item)
    }
    this.items = kept
    this.head = 0
    this.length = kept.length
    this.capacity = capacity
  }

  /** Drops everything; absolute indexes go on from where they were. */
  clear(): void {
    this.items = []
    this.head = 0
    this.length = 0
  }
}
