import type { PGlite } from '@electric-sql/pglite';

interface Pending {
  handlerId: number;
  message: Uint8Array;
  onData: (data: Uint8Array) => void;
  resolve: (bytes: number) => void;
  reject: (error: unknown) => void;
}

// Frontend message types that end a request: Sync (extended protocol) and Query (simple).
const SYNC = 0x53; // 'S'
const QUERY = 0x51; // 'Q'
const TERMINATE = 0x58; // 'X'

/**
 * The order in which PGlite (one backend) serves the messages of many socket connections.
 *
 * pglite-socket's own queue keeps a connection's messages together only inside a transaction,
 * and so interleaves the extended protocol of two connections outside one: A's Parse, then B's
 * Parse replaces the unnamed statement, A's Bind fails with "unnamed prepared statement does not
 * exist" (seen with a dozen function processes on the mesh). Here a connection that has begun a
 * request (Parse/Bind/Describe/Execute...) or a transaction keeps PGlite until its Sync or
 * simple Query ends it outside a transaction; the others wait their turn. Same interface as the
 * library's queue (enqueue, clearQueueForHandler, clearTransactionIfNeeded, getQueueLength).
 */
export class ProtocolAwareQueue {
  private queue: Pending[] = [];
  private processing = false;
  /** The connection that holds PGlite between messages (mid-request or in a transaction). */
  private owner: number | null = null;

  constructor(private readonly db: PGlite) {}

  enqueue(handlerId: number, message: Uint8Array, onData: (data: Uint8Array) => void): Promise<number> {
    return new Promise((resolve, reject) => {
      this.queue.push({ handlerId, message, onData, resolve, reject });
      void this.process();
    });
  }

  getQueueLength(): number {
    return this.queue.length;
  }

  clearQueueForHandler(handlerId: number): void {
    this.queue = this.queue.filter((p) => {
      if (p.handlerId !== handlerId) return true;
      p.reject(new Error('Handler disconnected'));
      return false;
    });
  }

  async clearTransactionIfNeeded(handlerId: number): Promise<void> {
    if (this.owner !== handlerId) return;
    if (this.db.isInTransaction()) await this.db.exec('ROLLBACK');
    this.owner = null;
    await this.process();
  }

  private next(): Pending | undefined {
    if (this.owner === null) return this.queue.shift();
    const index = this.queue.findIndex((p) => p.handlerId === this.owner);
    return index === -1 ? undefined : this.queue.splice(index, 1)[0];
  }

  private async process(): Promise<void> {
    if (this.processing) return;
    this.processing = true;
    try {
      for (;;) {
        const item = this.next();
        if (!item) return;
        let bytes = 0;
        try {
          await this.db.runExclusive(() =>
            this.db.execProtocolRawStream(item.message, {
              onRawData: (data: Uint8Array) => {
                bytes += data.length;
                item.onData(data);
              },
            }),
          );
        } catch (error) {
          this.owner = null;
          item.reject(error);
          continue;
        }
        const type = item.message[0];
        if (type === TERMINATE) this.owner = null;
        else if (type === SYNC || type === QUERY) this.owner = this.db.isInTransaction() ? item.handlerId : null;
        else if (type !== 0) this.owner = item.handlerId; // 0: startup / SSL request (length first), not part of a request
        item.resolve(bytes);
      }
    } finally {
      this.processing = false;
    }
  }
}
