/**
 * Entries by the time at which they may expire, so expired state leaves a store from the front
 * without scanning the store. Times arrive nearly in order (new windows follow stream time), so
 * in-order entries go to a plain FIFO (O(1) each); the few that arrive late (a record within grace
 * opening an older window) go to a small min-heap beside it.
 */
export class ExpiryQueue<T> {
  private times: number[] = []
  private items: T[] = []
  private head = 0
  private readonly late = new MinHeap<T>()

  get size(): number {
    return this.times.length - this.head + this.late.size
  }

  /** The earliest time queued, +Infinity when empty: one comparison tells whether to evict. */
  get headTime(): number {
    const inOrder =
      this.head < this.times.length ? (this.times[this.head] as number) : Number.POSITIVE_INFINITY
    return Math.min(inOrder, this.late.minTime)
  }

  push(time: number, item: T): void {
    const times = this.times
    if (times.length > this.head && time < (times[times.length - 1] as number)) {
      this.late.push(time, item)
      return
    }
    times.push(time)
    this.items.push(item)
  }

  /** Removes the entries whose time is ≤ `limit`, earliest first, passing each one to `expire`. */
  popUntil(limit: number, expire: (item: T, time: number) => void): void {
    const times = this.times
    const items = this.items
    let head = this.head
    for (;;) {
      const inOrder = head < times.length ? (times[head] as number) : Number.POSITIVE_INFINITY
      const late = this.late.minTime
      const next = Math.min(inOrder, late)
      if (next > limit || next === Number.POSITIVE_INFINITY) break // +Infinity: both are empty
      if (late < inOrder) {
        const item = this.late.pop()
        expire(item, late)
        continue
      }
      const item = items[head] as T
      items[head] = undefined as T // let the item go before compaction
      head++
      expire(item, inOrder)
    }
    this.head = head
    // Compact once the consumed prefix is the larger half, so each entry is moved O(1) times.
    if (head > 1024 && head * 2 > times.length) {
      this.times = times.slice(head)
      this.items = items.slice(head)
      this.head = 0
    } else if (head === times.length && head > 0) {
      this.times = []
      this.items = []
      this.head = 0
    }
  }
}

/** Binary min-heap by time, in two parallel arrays. */
class MinHeap<T> {
  private readonly times: number[] = []
  private readonly items: T[] = []

  get size(): number {
    return this.times.length
  }

  get minTime(): number {
    return this.times.length > 0 ? (this.times[0] as number) : Number.POSITIVE_INFINITY
  }

  push(time: number, item: T): void {
    const times = this.times
    const items = this.items
    let i = times.length
    times.push(time)
    items.push(item)
    while (i > 0) {
      const parent = (i - 1) >> 1
      if ((times[parent] as number) <= time) break
      times[i] = times[parent] as number
      items[i] = items[parent] as T
      i = parent
    }
    times[i] = time
    items[i] = item
  }

  /** Removes and returns the item with the smallest time (the heap must not be empty). */
  pop(): T {
    const times = this.times
    const items = this.items
    const top = items[0] as T
    const lastTime = times.pop() as number
    const lastItem = items.pop() as T
    const n = times.length
    if (n === 0) return top
    let i = 0
    for (;;) {
      let child = 2 * i + 1
      if (child >= n) break
      if (child + 1 < n && (times[child + 1] as number) < (times[child] as number)) child++
      if ((times[child] as number) >= lastTime) break
      times[i] = times[child] as number
      items[i] = items[child] as T
      i = child
    }
    times[i] = lastTime
    items[i] = lastItem
    return top
  }
}
