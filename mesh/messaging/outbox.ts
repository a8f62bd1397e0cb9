/**
 * The sandbox's outgoing webhook requests (Twilio status callbacks and inbound messages, SendGrid
 * event batches), a few at a time so a storm of sends does not open a socket per message, each
 * with its outcome kept for `GET /_sandbox/deliveries` (the last 1000).
 */
export interface Delivery {
  id: number;
  kind: 'status-callback' | 'inbound' | 'events';
  url: string;
  attempts: number;
  state: 'PENDING' | 'DELIVERED' | 'FAILED';
  /** The receiver's last HTTP status. */
  status?: number;
  lastError?: string;
}

export interface OutgoingRequest {
  kind: Delivery['kind'];
  url: string;
  contentType: string;
  body: string;
  headers: Record<string, string>;
  /** Twilio posts once; SendGrid retries a batch answered other than 2xx. */
  maxAttempts: number;
}

const KEPT = 1000;

export class Outbox {
  readonly deliveries: Delivery[] = [];
  private inFlight = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;
  private nextId = 1;

  constructor(
    private readonly settings: { concurrency: number; timeoutMs: number; retryBaseDelayMs: number },
    private readonly log: (line: string) => void,
  ) {}

  /** Delivers `request` (retrying as it says); resolves with what became of it, never rejects. */
  async post(request: OutgoingRequest): Promise<Delivery> {
    const delivery: Delivery = { id: this.nextId++, kind: request.kind, url: request.url, attempts: 0, state: 'PENDING' };
    this.deliveries.push(delivery);
    if (this.deliveries.length > KEPT) this.deliveries.splice(0, this.deliveries.length - KEPT);
    while (!this.stopped && delivery.state === 'PENDING') {
      await this.attempt(request, delivery);
      if (delivery.state !== 'PENDING') break;
      if (delivery.attempts >= request.maxAttempts) {
        delivery.state = 'FAILED';
        this.log(`${request.kind} to ${request.url} failed after ${delivery.attempts} attempts: ${delivery.lastError ?? ''}`);
        break;
      }
      await this.sleep(this.settings.retryBaseDelayMs * 2 ** (delivery.attempts - 1));
    }
    if (delivery.state === 'PENDING') delivery.state = 'FAILED';
    return delivery;
  }

  /** Waits `ms` unless the sandbox stops first. */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      if (this.stopped) return resolve();
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.add(timer);
    });
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const wake of this.waiting.splice(0)) wake();
  }

  private async attempt(request: OutgoingRequest, delivery: Delivery): Promise<void> {
    if (this.inFlight >= this.settings.concurrency) await new Promise<void>((resolve) => this.waiting.push(resolve));
    if (this.stopped) return;
    this.inFlight += 1;
    delivery.attempts += 1;
    try {
      const response = await fetch(request.url, {
        method: 'POST',
        headers: { 'content-type': request.contentType, ...request.headers },
        body: request.body,
        signal: AbortSignal.timeout(this.settings.timeoutMs),
      });
      await response.arrayBuffer();
      delivery.status = response.status;
      if (response.ok) delivery.state = 'DELIVERED';
      else delivery.lastError = `HTTP ${response.status}`;
    } catch (error) {
      delivery.lastError = error instanceof Error ? error.message : String(error);
    } finally {
      this.inFlight -= 1;
      this.waiting.shift()?.();
    }
  }
}
