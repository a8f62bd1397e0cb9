import type { z } from 'zod';
import type { FieldIssue } from './errors';

type Issue = z.core.$ZodIssue;

/**
 * Turns zod's issues into field-named issues: `data.order.storeCode: Invalid input`.
 * For a union (Pyxis or Tempo message), the branch the input came closest to is reported,
 * so the caller learns which field is wrong rather than "Invalid input". The closest branch
 * is the one whose own top-level fields fit best (a Pyxis message missing `order.storeCode`
 * is a Pyxis message, not a Tempo one missing five fields), then the one with fewest issues.
 */
export function issuesFromZod(error: z.ZodError, prefix?: string): FieldIssue[] {
  return flatten(error.issues, []).map(({ path, message }) => {
    const field = [prefix, path.map(String).join('.')].filter(Boolean).join('.') || '(root)';
    return { field, message };
  });
}

function flatten(issues: readonly Issue[], base: PropertyKey[]): { path: PropertyKey[]; message: string }[] {
  return issues.flatMap((issue) => {
    const path = [...base, ...issue.path];
    if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      const closest = [...issue.errors].sort((a, b) => distance(a) - distance(b))[0] ?? [];
      if (closest.length > 0) return flatten(closest, path);
    }
    return [{ path, message: issue.message }];
  });
}

function distance(issues: readonly Issue[]): number {
  const topLevel = issues.filter((i) => i.path.length <= 1).length;
  return topLevel * 1000 + issues.length;
}
