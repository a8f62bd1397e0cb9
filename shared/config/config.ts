import { z } from 'zod';

/** Raised at boot when the environment does not satisfy a function's configuration schema. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration: ${problems.join('; ')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Parses the environment once with a zod object whose keys are the variable names.
 * Every missing or invalid variable is named in the error, not only the first.
 */
export function parseConfig<S extends z.ZodObject>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const name = issue.path.map(String).join('.') || '(env)';
    const value = env[name];
    return value === undefined || value === '' ? `${name} is missing (${issue.message})` : `${name} is invalid (${issue.message})`;
  });
  throw new ConfigError(problems);
}

/** Common variable shapes, so every function reads them the same way. */
export const env = {
  port: () => z.coerce.number().int().min(1).max(65535),
  url: () => z.url(),
  /** A positive integer with a default, e.g. `env.int(10)`. */
  int: (fallback: number) => z.coerce.number().int().positive().default(fallback),
  bool: (fallback: boolean) =>
    z
      .enum(['true', 'false', '1', '0'])
      .default(fallback ? 'true' : 'false')
      .transform((v) => v === 'true' || v === '1'),
  /** Comma-separated list, e.g. `host1:9092,host2:9092`. */
  list: () =>
    z
      .string()
      .min(1)
      .transform((v) =>
        v
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      ),
};
