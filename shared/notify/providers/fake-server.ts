import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach } from 'vitest';

/** Where a provider's fake listens, and a port nothing listens on (a refused connection). */
export interface FakeAddress {
  baseUrl: string;
  closedPort: number;
}

/**
 * Runs a provider's fake (`server`) for the test file: listening on 127.0.0.1 before the tests,
 * `reset` before each, closed after (answers left hanging by a test are destroyed). The address
 * is filled in once the file's beforeAll hooks have run.
 */
export function useFakeServer(server: Server, hanging: () => ServerResponse[], reset: () => void): FakeAddress {
  const address: FakeAddress = { baseUrl: '', closedPort: 0 };
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    address.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    address.closedPort = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
  });
  afterAll(async () => {
    for (const res of hanging()) res.destroy();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  beforeEach(reset);
  return address;
}
