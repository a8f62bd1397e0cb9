/**
 * Arrival orders for the tests of consumers of several topics of one aggregate: Kafka keeps a
 * key's records in order within one topic only, so such a consumer must end in the same state
 * whatever order its events arrive in.
 */

/** Every order of `items` (n! of them; items that are equal still count apart), the given order first. */
export function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]));
}

/** A name for one arrival order in a test title, e.g. `updated → created → created (again)`. */
export function arrivalName(order: readonly { label: string }[]): string {
  return order.map((e) => e.label).join(' → ');
}
