import { z } from 'zod';
import { env, parseConfig } from '../shared/config';

/**
 * The mesh's own settings. Every external part has an embedded default; set the variable
 * to use the real one: DATABASE_URL (Postgres), KAFKA_BROKERS (Kafka), OIDC_ISSUER (+
 * OIDC_AUDIENCE, AUTH_CLAIM_MAPPING) for a real OpenID provider such as PingFederate.
 */
export const meshConfigSchema = z.object({
  MESH_PORT: env.port().default(8080),
  /** Functions listen on consecutive ports from here. */
  MESH_FUNCTION_BASE_PORT: env.port().default(8101),
  MESH_DB_PORT: env.port().default(54329),
  /** Embedded Postgres keeps its data here between runs; `memory` keeps nothing. */
  MESH_DATA_DIR: z.string().default('.data/mesh/pglite'),
  MESH_SEED: env.bool(true),
  MESH_BACKOFF_SCALE: z.coerce.number().positive().default(1),
  MESH_OIDC_PORT: env.port().default(9400),
  DATABASE_URL: z.string().min(1).optional(),
  KAFKA_BROKERS: env.list().optional(),
  OIDC_ISSUER: z.url().optional(),
  OIDC_AUDIENCE: z.string().min(1).default('urn:ahs:field-service'),
  OIDC_ALLOW_INSECURE: env.bool(false),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
});

export type MeshConfig = z.infer<typeof meshConfigSchema>;

export function meshConfig(source: NodeJS.ProcessEnv = process.env): MeshConfig {
  return parseConfig(meshConfigSchema, source);
}
