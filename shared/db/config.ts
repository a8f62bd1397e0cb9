import { z } from 'zod';
import { env } from '../config';
import { createPool, type Db } from './pool';

/** What every function with a database reads: the URL, and its pool size (= containerConcurrency). */
export const databaseConfigSchema = z.object({
  DATABASE_URL: z.string().min(1),
  DB_POOL_MAX: env.int(10),
});

export function poolFromConfig(name: string, config: z.infer<typeof databaseConfigSchema>): Db {
  return createPool({ connectionString: config.DATABASE_URL, max: config.DB_POOL_MAX, applicationName: name });
}
