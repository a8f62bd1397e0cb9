import { randomUUID } from 'node:crypto';
import { SandboxRefusal } from './agreements';
import type { Chaos } from './chaos';
import { adobeDate, type SandboxAgreement, type SandboxState, type Webhook } from './state';

export const CLIENT_ID_HEADER = 'X-AdobeSign-ClientId';

export interface DeliverySettings {
  /** The first retry waits this long, each next one twice as long, ms. */
  retryBaseDelayMs: number;
  /** Attempts of one notification before it is given up (Adobe keeps trying for about 72 h). */
  maxAttempts: number;
  /** An answer later than this is a failure, ms (Adobe: 5 s). */
  timeoutMs: number;
}

/** What became of one notification, for `GET /_sandbox/deliveries`. */
export interface Delivery {
  webhookNotificationId: string;
  webhookId: string;
  event: string;
  agreementId: string;
  attempts: number;
  state: 'PENDING' | 'DELIVERED' | 'FAILED';
  lastError?: string;
}

interface Pending {
  webhook: Webhook;
  payload: Record<string, unknown>;
  delivery: Delivery;
}

/**
 * Adobe's webhooks: registration with the verification of intent (a GET carrying
 * `X-AdobeSign-ClientId`, answered 2xx with the id echoed in that header or as
 * `xAdobeSignClientId` in the JSON body, or the registration fails), and notifications POSTed
 * with the same header, retried with doubling delays until a 2xx echoes the id.
 */
export class Webhooks {
  readonly deliveries: Delivery[] = [];
  private held: Pending[] = [];
  private flushTimer: NodeJS.Timeout | undefined;
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;

  constructor(
    private readonly state: SandboxState,
    private readonly chaos: Chaos,
    private readonly settings: DeliverySettings,
    private readonly log: (line: string) => void,
  ) {}

  /** `POST /webhooks` (Adobe v6 `WebhookInfo`), for the API application `clientId`. */
  async register(body: Record<string, unknown>, clientId: string): Promise<Webhook> {
    const url = (body.webhookUrlInfo as { url?: unknown } | undefined)?.url;
    const events = body.webhookSubscriptionEvents;
    const missing = (name: string) => new SandboxRefusal(400, 'MISSING_REQUIRED_PARAM', `Required parameter ${name} is missing`);
    if (typeof body.name !== 'string' || !body.name) throw missing('name');
    if (!['ACCOUNT', 'GROUP', 'USER', 'RESOURCE'].includes(String(body.scope))) throw missing('scope');
    if (body.state !== undefined && body.state !== 'ACTIVE') throw new SandboxRefusal(400, 'INVALID_ARGUMENTS', 'state must be ACTIVE');
    if (typeof url !== 'string' || !/^https?:\/\//.test(url)) throw missing('webhookUrlInfo.url');
    if (!Array.isArray(events) || events.length === 0 || events.some((e) => typeof e !== 'string')) throw missing('webhookSubscriptionEvents');
    if (body.scope === 'RESOURCE' && (body.resourceType !== 'AGREEMENT' || typeof body.resourceId !== 'string')) throw missing('resourceId');
    const verified = await this.verifyIntent(url, clientId);
    if (verified !== true) {
      throw new SandboxRefusal(400, 'INVALID_WEBHOOK_URL', `Verification of intent failed for the webhook URL: ${verified}`);
    }
    const webhook: Webhook = {
      id: randomUUID(),
      name: body.name,
      scope: String(body.scope),
      state: 'ACTIVE',
      ...(typeof body.resourceType === 'string' ? { resourceType: body.resourceType } : {}),
      ...(typeof body.resourceId === 'string' ? { resourceId: body.resourceId } : {}),
      url,
      events: events as string[],
      clientId,
      createdDate: adobeDate(new Date()),
    };
    this.state.data.webhooks.push(webhook);
    this.state.save();
    this.log(`webhook ${webhook.id} registered (${webhook.events.join(', ')})`);
    return webhook;
  }

  /** A notification to every active webhook subscribed to the event. */
  notify(agreement: SandboxAgreement, event: string, about: Record<string, string | undefined>, now: Date): void {
    for (const webhook of this.state.data.webhooks) {
      if (webhook.state !== 'ACTIVE' || !subscribed(webhook, event)) continue;
      if (webhook.scope === 'RESOURCE' && webhook.resourceId !== agreement.id) continue;
      const payload = notification(webhook, agreement, event, about, now);
      const delivery: Delivery = {
        webhookNotificationId: String(payload.webhookNotificationId),
        webhookId: webhook.id,
        event,
        agreementId: agreement.id,
        attempts: 0,
        state: 'PENDING',
      };
      this.deliveries.push(delivery);
      this.hold({ webhook, payload, delivery });
    }
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.flushTimer);
    for (const timer of this.timers) clearTimeout(timer);
  }

  /** With `reorder`, notifications wait out a window and leave newest first; otherwise at once. */
  private hold(pending: Pending): void {
    const { reorder, reorderWindowMs } = this.chaos.settings;
    if (!reorder) return this.send(pending);
    this.held.push(pending);
    this.flushTimer ??= setTimeout(() => {
      this.flushTimer = undefined;
      const batch = this.held.reverse();
      this.held = [];
      for (const p of batch) this.send(p);
    }, reorderWindowMs);
  }

  private send(pending: Pending): void {
    void this.attempt(pending);
    if (this.chaos.settings.duplicate) void this.attempt({ ...pending, delivery: { ...pending.delivery } }, true);
  }

  private async attempt(pending: Pending, duplicate = false): Promise<void> {
    if (this.stopped) return;
    const { webhook, payload, delivery } = pending;
    delivery.attempts += 1;
    const problem = await this.post(webhook, payload);
    if (duplicate) return; // the copy is best effort: the original is the one retried
    if (problem === undefined) {
      delivery.state = 'DELIVERED';
      delete delivery.lastError;
      return;
    }
    delivery.lastError = problem;
    if (delivery.attempts >= this.settings.maxAttempts) {
      delivery.state = 'FAILED';
      this.log(`notification ${delivery.webhookNotificationId} (${delivery.event}) given up after ${delivery.attempts} attempts: ${problem}`);
      return;
    }
    const wait = this.settings.retryBaseDelayMs * 2 ** (delivery.attempts - 1);
    this.log(`notification ${delivery.webhookNotificationId} (${delivery.event}) attempt ${delivery.attempts} failed (${problem}): retried in ${wait} ms`);
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.attempt(pending);
    }, wait);
    this.timers.add(timer);
  }

  /** One POST; undefined when acknowledged (2xx with the client id echoed), else why not. */
  private async post(webhook: Webhook, payload: Record<string, unknown>): Promise<string | undefined> {
    try {
      const response = await fetch(webhook.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [CLIENT_ID_HEADER]: webhook.clientId },
        body: JSON.stringify(payload),
        signal: AbortSignal.timeout(this.settings.timeoutMs),
      });
      return await acknowledged(response, webhook.clientId);
    } catch (error) {
      return error instanceof Error && error.name === 'TimeoutError' ? 'no answer in time' : 'no connection';
    }
  }

  private async verifyIntent(url: string, clientId: string): Promise<true | string> {
    try {
      const response = await fetch(url, { method: 'GET', headers: { [CLIENT_ID_HEADER]: clientId }, signal: AbortSignal.timeout(this.settings.timeoutMs) });
      return (await acknowledged(response, clientId)) ?? true;
    } catch {
      return 'no answer';
    }
  }
}

/** Undefined when the answer is a 2xx echoing the client id in the header or the JSON body. */
async function acknowledged(response: Response, clientId: string): Promise<string | undefined> {
  const text = await response.text().catch(() => '');
  if (response.status < 200 || response.status > 299) return `HTTP ${response.status}`;
  if (response.headers.get(CLIENT_ID_HEADER) === clientId) return undefined;
  try {
    if ((JSON.parse(text) as { xAdobeSignClientId?: unknown }).xAdobeSignClientId === clientId) return undefined;
  } catch {
    // not JSON: no echo in the body
  }
  return `HTTP ${response.status} without the ${CLIENT_ID_HEADER} echo`;
}

function subscribed(webhook: Webhook, event: string): boolean {
  return webhook.events.includes(event) || webhook.events.includes('AGREEMENT_ALL');
}

/** Adobe's notification payload (agreement scope). */
function notification(webhook: Webhook, agreement: SandboxAgreement, event: string, about: Record<string, string | undefined>, now: Date) {
  const defined = Object.fromEntries(Object.entries(about).filter(([, v]) => v !== undefined && v !== ''));
  return {
    webhookId: webhook.id,
    webhookName: webhook.name,
    webhookNotificationId: randomUUID(),
    webhookUrlInfo: { url: webhook.url },
    webhookScope: webhook.scope,
    event,
    subEvent: '',
    eventDate: adobeDate(now),
    eventResourceType: 'agreement',
    ...defined,
    initiatingUserEmail: 'sandbox-sender@adobe-sign.sandbox',
    agreement: {
      id: agreement.id,
      name: agreement.name,
      signatureType: agreement.signatureType,
      status: agreement.status,
      ...(agreement.externalId ? { externalId: { id: agreement.externalId } } : {}),
      createdDate: agreement.createdDate,
      ...(agreement.expirationTime ? { expirationTime: agreement.expirationTime } : {}),
    },
  };
}
