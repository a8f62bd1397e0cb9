import type { z } from 'zod';

/** A refinement: no two items of the array share `key` (two order lines with one number). */
export function uniqueKeys<K extends string>(key: K) {
  return (items: Record<K, unknown>[], ctx: z.RefinementCtx) => {
    const seen = new Set<unknown>();
    items.forEach((item, index) => {
      if (seen.has(item[key])) ctx.addIssue({ code: 'custom', path: [index, key], message: `duplicate ${key} ${String(item[key])}` });
      seen.add(item[key]);
    });
  };
}
