/**
 * Re-arranging a list of packets (segments, fragments) the way a network or a mirror port does:
 * reorder, duplicate, drop. One function so scenarios state the arrival order in one place.
 */

/**
 * Returns `items` in arrival order `order`: a list of indexes into `items`. An index listed twice
 * is a duplicate, an index left out is a loss. Without `order`, a copy in the original order.
 *
 * @example arrange([a, b, c], [2, 0, 0]) → [c, a, a] (b lost, a duplicated)
 */
export function arrange<T>(items: readonly T[], order?: readonly number[]): T[] {
  if (order === undefined) return items.slice();
  return order.map((i) => {
    const item = items[i];
    if (item === undefined) throw new RangeError(`arrange: index ${i} out of range (0..${items.length - 1})`);
    return item;
  });
}
