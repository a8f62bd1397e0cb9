/** The double's time: starts at the real time and moves only when a test says so. */
export class VaultClock {
  private readonly start = Date.now();
  private advanced = 0;

  now(): number {
    return this.start + this.advanced;
  }

  /** Moves the double's time forward (TTLs, leases). */
  advance(seconds: number): void {
    this.advanced += seconds * 1000;
  }
}
