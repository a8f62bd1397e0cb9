import { z } from 'zod';
import { env, parseConfig } from '../shared/config';

/**
 * The mesh's own settings. Every external part has an embedded default; set the variable
 * to use the real one: DATABASE_URL (Postgres), KAFKA_BROKERS (Kafka), OIDC_ISSUER (+
 * OIDC_AUDIENCE, AUTH_CLAIM_MAPPING) for a real OpenID provider such as PingFederate,
 * ZEEBE_REST_ADDRESS (+ the job bridge's ZEEBE_GRPC_ADDRESS and credentials) for Camunda 8,
 * ADOBE_SIGN_API_HOST (+ ADOBE_SIGN_CLIENT_ID, ADOBE_SIGN_CLIENT_SECRET, ADOBE_SIGN_REFRESH_TOKEN,
 * ESIGN_WEBHOOK_CLIENT_IDS) for a real Adobe Acrobat Sign account.
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
  /** The embedded workflow engine's REST API (Camunda 8.8's v2 subset). */
  MESH_ENGINE_PORT: env.port().default(8088),
  /** How often the embedded engine looks for due timers and job retries. */
  MESH_ENGINE_TICK_MS: env.int(250),
  /**
   * The embedded Adobe Acrobat Sign sandbox (mesh/adobe-sign): its API, signing pages and control
   * API. Unset: a free port at each start (`npm start` prints it, GET /_mesh tells it, the inbox
   * finds it); set it to keep one.
   */
  MESH_ESIGN_PORT: env.port().optional(),
  /** How long the sandbox waits before its first webhook retry, ms (each next one twice as long). */
  MESH_ESIGN_RETRY_BASE_MS: env.int(1000),
  /**
   * A real Adobe Acrobat Sign account's API host: no sandbox, and the functions read the account's
   * ADOBE_SIGN_* and ESIGN_WEBHOOK_CLIENT_IDS from this same environment.
   */
  ADOBE_SIGN_API_HOST: z.url().optional(),
  /**
   * The embedded messaging sandbox (mesh/messaging: Twilio and SendGrid): its APIs and control
   * API. Unset: a free port at each start (GET /_mesh tells it, the inbox finds it).
   */
  MESH_MESSAGING_PORT: env.port().optional(),
  /**
   * A real Twilio account: no sandbox, and notify-sender / notify-webhooks read TWILIO_*,
   * SENDGRID_*, SENDGRID_WEBHOOK_PUBLIC_KEY and NOTIFY_PUBLIC_BASE_URL from this same environment.
   */
  TWILIO_ACCOUNT_SID: z.string().min(1).optional(),
  /** A real Camunda 8 REST address: no embedded engine, and the job bridge runs (with ZEEBE_GRPC_ADDRESS). */
  ZEEBE_REST_ADDRESS: z.url().optional(),
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
