/**
 * Start loading items a few places ahead of the one being processed, so
 * file reads overlap with the CPU work on earlier files instead of waiting
 * one at a time; results still come back in item order. Returns a function
 * that gives the load of item `index` (each index is taken once, in order).
 */
export function readAhead<T, R>(items: readonly T[], load: (item: T) => Promise<R>, window = 32): (index: number) => Promise<R> {
  const started = new Map<number, Promise<R>>()
  let next = 0
  const startUpTo = (limit: number): void => {
    for (; next < Math.min(limit, items.length); next++) started.set(next, load(items[next] as T))
  }

  return (index) => {
    startUpTo(index + window)
    const pending = started.get(index) ?? load(items[index] as T)
    started.delete(index)
    return pending
  }
}
