/**
 * Misbehaviour on request (`POST /_sandbox/chaos`), the ways Adobe makes a client's life hard:
 * every notification delivered twice (`duplicate`), notifications delivered in reverse order of
 * their events (`reorder`, within `reorderWindowMs`), the next `throttle.count` API calls
 * answered 429 with `retryAfter` seconds, and the next `notExposed` signing URL requests answered
 * 404 AGREEMENT_NOT_EXPOSED, as Adobe answers them while a new agreement is being prepared.
 * Settings last until changed (the counts until used up); `POST /_sandbox/chaos {}` with
 * everything false turns them off.
 */
export interface ChaosSettings {
  duplicate: boolean;
  reorder: boolean;
  /** How long notifications are held to be reordered, ms. */
  reorderWindowMs: number;
  throttle: { count: number; retryAfterSeconds: number };
  /** How many `GET /agreements/{id}/signingUrls` still answer AGREEMENT_NOT_EXPOSED. */
  notExposed: number;
}

export const noChaos = (): ChaosSettings => ({
  duplicate: false,
  reorder: false,
  reorderWindowMs: 300,
  throttle: { count: 0, retryAfterSeconds: 1 },
  notExposed: 0,
});

export class Chaos {
  settings: ChaosSettings = noChaos();

  /** Merges a control request into the settings; anything malformed is refused, naming it. */
  change(body: unknown): ChaosSettings {
    if (body === null || typeof body !== 'object') throw new RangeError('a JSON object is expected');
    const b = body as Record<string, unknown>;
    const next = { ...this.settings, throttle: { ...this.settings.throttle } };
    for (const flag of ['duplicate', 'reorder'] as const) {
      if (b[flag] === undefined) continue;
      if (typeof b[flag] !== 'boolean') throw new RangeError(`${flag} must be true or false`);
      next[flag] = b[flag];
    }
    if (b.reorderWindowMs !== undefined) next.reorderWindowMs = count(b.reorderWindowMs, 'reorderWindowMs');
    if (b.notExposed !== undefined) next.notExposed = count(b.notExposed, 'notExposed');
    if (b.throttle !== undefined) {
      const t = b.throttle as Record<string, unknown> | null;
      if (t === null || typeof t !== 'object') throw new RangeError('throttle must be {count, retryAfterSeconds}');
      next.throttle = {
        count: t.count === undefined ? 1 : count(t.count, 'throttle.count'),
        retryAfterSeconds: t.retryAfterSeconds === undefined ? 1 : count(t.retryAfterSeconds, 'throttle.retryAfterSeconds'),
      };
    }
    this.settings = next;
    return this.settings;
  }

  /** The 429 answer for this API call, while the throttle lasts. */
  throttled(): { retryAfterSeconds: number } | undefined {
    const { throttle } = this.settings;
    if (throttle.count <= 0) return undefined;
    throttle.count -= 1;
    return { retryAfterSeconds: throttle.retryAfterSeconds };
  }

  /** Whether this signing URL request is answered as not exposed yet (while `notExposed` lasts). */
  notExposedYet(): boolean {
    if (this.settings.notExposed <= 0) return false;
    this.settings.notExposed -= 1;
    return true;
  }
}

function count(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new RangeError(`${name} must be a number >= 0`);
  return value;
}
