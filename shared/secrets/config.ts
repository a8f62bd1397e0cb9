import { z } from 'zod';
import { env } from '../config';

const optionalText = () => z.string().min(1).optional();

/**
 * How a function reaches HashiCorp Vault, read once with `parseConfig`. Kubernetes auth when
 * `VAULT_K8S_ROLE` is set (the pod's service-account token), AppRole otherwise. The AppRole
 * secret id has no default and is never logged.
 */
export const vaultConfigSchema = z
  .object({
    VAULT_ADDR: env.url(),
    VAULT_NAMESPACE: optionalText(),
    VAULT_K8S_ROLE: optionalText(),
    VAULT_K8S_MOUNT: z.string().min(1).default('kubernetes'),
    VAULT_K8S_TOKEN_PATH: z.string().min(1).default('/var/run/secrets/kubernetes.io/serviceaccount/token'),
    VAULT_ROLE_ID: optionalText(),
    VAULT_SECRET_ID: optionalText(),
    VAULT_APPROLE_MOUNT: z.string().min(1).default('approle'),
    /** The KV v2 mount holding the API credentials. */
    VAULT_KV_MOUNT: z.string().min(1).default('secret'),
    /** How often KV versions are checked, ms: a rotated key takes effect within this. */
    VAULT_POLL_MS: env.int(60_000),
    /** Per request to Vault, ms: node-vault (axios) has no timeout of its own. */
    VAULT_TIMEOUT_MS: env.int(5_000),
  })
  .superRefine((config, ctx) => {
    if (config.VAULT_K8S_ROLE) return;
    for (const name of ['VAULT_ROLE_ID', 'VAULT_SECRET_ID'] as const) {
      if (!config[name]) ctx.addIssue({ code: 'custom', path: [name], message: 'required for AppRole login when VAULT_K8S_ROLE is unset' });
    }
  });
export type VaultConfig = z.infer<typeof vaultConfigSchema>;
