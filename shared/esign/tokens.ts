import { ESignRejectedError } from './errors';
import { exchange, failure, type Fetch } from './wire';

export interface TokenSettings {
  /** Origin of `/oauth/v2/refresh`, e.g. `https://api.eu1.adobesign.com`. */
  oauthHost: string;
  clientId: string;
  clientSecret: string;
  refreshToken: string;
  timeoutMs: number;
  fetch?: Fetch;
  now?: () => number;
  /** A token is refreshed this long before Adobe says it expires, ms. */
  refreshBeforeExpiryMs?: number;
}

interface Cached {
  token: string;
  expiresAt: number;
}

/**
 * Adobe Sign access tokens from the OAuth refresh-token grant (`POST /oauth/v2/refresh`),
 * cached until shortly before `expires_in` runs out. Concurrent callers share one refresh.
 */
export class AccessTokens {
  private cached: Cached | undefined;
  private pending: Promise<Cached> | undefined;
  private readonly fetch: Fetch;
  private readonly now: () => number;

  constructor(private readonly settings: TokenSettings) {
    this.fetch = settings.fetch ?? globalThis.fetch;
    this.now = settings.now ?? Date.now;
  }

  async get(): Promise<string> {
    const margin = this.settings.refreshBeforeExpiryMs ?? 60_000;
    if (this.cached && this.now() < this.cached.expiresAt - margin) return this.cached.token;
    this.pending ??= this.refresh().finally(() => (this.pending = undefined));
    return (await this.pending).token;
  }

  /** Adobe refused this token (401): the next `get` refreshes, unless another caller already did. */
  invalidate(token: string): void {
    if (this.cached?.token === token) this.cached = undefined;
  }

  private async refresh(): Promise<Cached> {
    const { oauthHost, clientId, clientSecret, refreshToken, timeoutMs } = this.settings;
    const form = new URLSearchParams({ grant_type: 'refresh_token', client_id: clientId, client_secret: clientSecret, refresh_token: refreshToken });
    const url = new URL('/oauth/v2/refresh', oauthHost).toString();
    const response = await exchange(
      this.fetch,
      url,
      { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form },
      timeoutMs,
    );
    if (!response.ok) throw await failure(response, 'token refresh');
    const body = (await response.json()) as { access_token?: unknown; expires_in?: unknown };
    if (typeof body.access_token !== 'string' || typeof body.expires_in !== 'number') {
      throw new ESignRejectedError('Adobe Sign token refresh: no access_token/expires_in in the answer', response.status, 'INVALID_TOKEN_RESPONSE');
    }
    this.cached = { token: body.access_token, expiresAt: this.now() + body.expires_in * 1000 };
    return this.cached;
  }
}
