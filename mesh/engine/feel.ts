import { evaluate } from 'feelin';

/** A FEEL expression that cannot be evaluated: Zeebe raises an incident, so do we. */
export class FeelError extends Error {
  constructor(
    readonly expression: string,
    detail: string,
  ) {
    super(`failed to evaluate expression '${expression}': ${detail}`);
    this.name = 'FeelError';
  }
}

/** Zeebe's rule: a value starting with `=` is a FEEL expression, anything else is a literal. */
export function isExpression(text: unknown): text is string {
  return typeof text === 'string' && text.startsWith('=');
}

/**
 * Evaluates a Zeebe property the way Zeebe does: `=expr` through FEEL (feelin), a literal as
 * itself. A variable the expression names but the context lacks is an error, not null — with
 * null, a condition `=x > 1` would quietly be false and the instance take the wrong path.
 */
export function evaluateProperty(text: string, context: Record<string, unknown>): unknown {
  if (!isExpression(text)) return text;
  const expression = text.slice(1);
  let result: { value: unknown; warnings: { type: string; message: string }[] };
  try {
    result = evaluate(expression, context);
  } catch (error) {
    throw new FeelError(expression, (error as Error).message);
  }
  const missing = result.warnings.find((w) => w.type === 'NO_VARIABLE_FOUND');
  if (missing) throw new FeelError(expression, missing.message);
  return result.value;
}
