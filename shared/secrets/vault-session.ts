import { readFile } from 'node:fs/promises';
import nodeVault from 'node-vault';
import type { Logger } from '../logging';
import type { VaultConfig } from './config';
import { vaultReason } from './vault-errors';

/** Renew at 2/3 of the token's TTL: time left for a retry, and for a fresh login, before it lapses. */
const RENEW_AT = 2 / 3;

export interface VaultSessionDeps {
  logger: Logger;
  /** Milliseconds since the epoch; tests pass the Vault double's clock. */
  now?: () => number;
  readTokenFile?: (path: string) => Promise<string>;
}

/**
 * A logged-in node-vault client. Kubernetes auth (`kubernetesLogin` with the service-account
 * JWT) when `VAULT_K8S_ROLE` is set, AppRole (`approleLogin`) otherwise; node-vault stores the
 * returned `client_token` on the client itself. `keepAlive()` renews the token with
 * `tokenRenewSelf` once 2/3 of its TTL has passed and logs in again when that renewal fails.
 */
export class VaultSession {
  readonly client: nodeVault.client;
  private readonly now: () => number;
  private obtainedAt = 0;
  private ttlSeconds = 0;
  private renewable = false;

  constructor(
    private readonly config: VaultConfig,
    private readonly deps: VaultSessionDeps,
  ) {
    this.now = deps.now ?? Date.now;
    this.client = nodeVault({
      endpoint: config.VAULT_ADDR,
      namespace: config.VAULT_NAMESPACE,
      // node-vault would otherwise pick up VAULT_TOKEN from the environment.
      token: '',
      requestOptions: { timeout: config.VAULT_TIMEOUT_MS },
    });
  }

  /** When the next renewal is due, ms since the epoch; undefined for a token that never expires. */
  get renewDueAt(): number | undefined {
    return this.ttlSeconds > 0 ? this.obtainedAt + this.ttlSeconds * 1000 * RENEW_AT : undefined;
  }

  async login(): Promise<void> {
    const { config } = this;
    const readTokenFile = this.deps.readTokenFile ?? ((path: string) => readFile(path, 'utf8'));
    // The service-account token is read at each login: the kubelet rotates the projected file.
    const answer: unknown = config.VAULT_K8S_ROLE
      ? await this.client.kubernetesLogin({
          mount_point: config.VAULT_K8S_MOUNT,
          role: config.VAULT_K8S_ROLE,
          jwt: (await readTokenFile(config.VAULT_K8S_TOKEN_PATH)).trim(),
        })
      : await this.client.approleLogin({ mount_point: config.VAULT_APPROLE_MOUNT, role_id: config.VAULT_ROLE_ID, secret_id: config.VAULT_SECRET_ID });
    this.hold(answer);
    this.deps.logger.info('vault login', { method: config.VAULT_K8S_ROLE ? 'kubernetes' : 'approle', ttl: this.ttlSeconds });
  }

  /**
   * Renews the token when due; a refused renewal (expired, revoked, past its max TTL) logs in
   * again. Throws only when Vault cannot be reached or the login is refused: the caller keeps
   * what it holds and tries again on its next pass.
   */
  async keepAlive(): Promise<void> {
    const due = this.renewDueAt;
    if (due === undefined || this.now() < due) return;
    if (this.renewable) {
      try {
        this.hold(await this.client.tokenRenewSelf());
        return;
      } catch (error) {
        this.deps.logger.warn('vault token renewal failed, logging in again', { reason: vaultReason(error) });
      }
    }
    await this.login();
  }

  private hold(answer: unknown): void {
    const auth = (answer as { auth?: { lease_duration?: number; renewable?: boolean } }).auth ?? {};
    this.obtainedAt = this.now();
    this.ttlSeconds = auth.lease_duration ?? 0;
    this.renewable = auth.renewable === true;
  }
}
