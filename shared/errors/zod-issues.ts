import type { z } from 'zod';
import type { FieldIssue } from './errors';

/** Turns zod's issues into field-named issues: `lines.0.productCode: Required`. */
export function issuesFromZod(error: z.ZodError, prefix?: string): FieldIssue[] {
  return error.issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    const field = [prefix, path].filter(Boolean).join('.') || '(root)';
    return { field, message: issue.message };
  });
}
