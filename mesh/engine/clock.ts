/**
 * The engine's clock, as Camunda 8's: real time unless pinned (`PUT /v2/clock`), which is how
 * tests move timers forward without waiting. Pinning notifies the engine so due timers fire
 * at once.
 */
export class EngineClock {
  private pinned: number | undefined;
  private readonly listeners = new Set<() => void>();

  now(): number {
    return this.pinned ?? Date.now();
  }

  pin(epochMs: number): void {
    this.pinned = epochMs;
    for (const l of this.listeners) l();
  }

  reset(): void {
    this.pinned = undefined;
    for (const l of this.listeners) l();
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
