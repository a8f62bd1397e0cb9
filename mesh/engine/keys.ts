import type { Db } from '../../shared/db';

/**
 * Zeebe-style 64-bit keys (as decimal strings) for instances, jobs, user tasks, messages and
 * incidents, from a Postgres sequence so they stay unique across restarts. Fetched in blocks:
 * the engine asks for keys in the middle of synchronous BPMN steps, so a block is always ready.
 */
export class KeySource {
  private block: string[] = [];

  constructor(
    private readonly db: Db,
    private readonly blockSize = 200,
  ) {}

  /** Makes sure at least `n` keys are ready for synchronous use. */
  async reserve(n = 50): Promise<void> {
    if (this.block.length >= n) return;
    const { rows } = await this.db.query<{ key: string }>(`SELECT nextval('engine.keys')::text AS key FROM generate_series(1, $1)`, [
      Math.max(n, this.blockSize),
    ]);
    this.block.push(...rows.map((r) => r.key));
  }

  next(): string {
    const key = this.block.shift();
    if (!key) throw new Error('no workflow key reserved: call reserve() before a BPMN step');
    return key;
  }
}
