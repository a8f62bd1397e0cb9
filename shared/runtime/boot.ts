import { z } from 'zod';
import { ConfigError, env, parseConfig } from '../config';
import { createLogger, parseLogLevel, type Logger } from '../logging';
import { traceLogFields } from '../observability/tracing';
import { exitWithParent } from './parent';

/** What every function reads from its environment (Knative sets PORT and K_SERVICE). */
export const baseConfigSchema = z.object({
  PORT: env.port().default(8080),
  K_SERVICE: z.string().min(1).optional(),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
  /** Where the server listens: unset on Knative (every interface); the local mesh sets 127.0.0.1. */
  LISTEN_HOST: z.string().min(1).optional(),
  /** Set by the local mesh only: exit when the mesh that spawned this process is gone (./parent.ts). */
  EXIT_WITH_PARENT: env.bool(false),
});

/**
 * Parses a function's configuration once at boot. A missing or invalid variable stops
 * the process with a message naming it.
 */
export function boot<S extends z.ZodObject>(
  name: string,
  schema: S,
  /** Rules across variables; returns the problems, each naming its variables. */
  check?: (config: z.infer<S>) => string[],
): { config: z.infer<S> & z.infer<typeof baseConfigSchema>; logger: Logger } {
  const logger = createLogger({
    level: parseLogLevel(process.env.LOG_LEVEL),
    base: { service: process.env.K_SERVICE ?? name },
    traceContext: traceLogFields,
  });
  try {
    const config = parseConfig(baseConfigSchema.extend(schema.shape), process.env) as z.infer<S> & z.infer<typeof baseConfigSchema>;
    const problems = check?.(config) ?? [];
    if (problems.length > 0) throw new ConfigError(problems);
    if (config.EXIT_WITH_PARENT) exitWithParent(logger);
    return { config, logger };
  } catch (error) {
    if (error instanceof ConfigError) {
      logger.error(error.message, { problems: error.problems });
      process.stderr.write(`${name}: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}
