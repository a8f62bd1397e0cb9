import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PDFDocument } from 'pdf-lib';
import { afterAll, afterEach, beforeEach } from 'vitest';
import { parseConfig } from '../../shared/config';
import { adobeSignConfigSchema, adobeSignFromConfig, type AdobeSign, type NewAgreement } from '../../shared/esign';
import { startAdobeSignSandbox, type AdobeSignSandbox, type AdobeSignSandboxOptions } from './server';

/** What a webhook receiver saw: verifications of intent and notifications, with their client id header. */
export interface Receiver {
  url: string;
  verifications: string[];
  notifications: { clientId: string | undefined; body: Record<string, unknown> }[];
  /** Whether answers echo X-AdobeSign-ClientId (true unless told). */
  echo: boolean;
  /** The next n notifications are answered 503. */
  failNext: number;
  close(): Promise<void>;
}

/** A tiny local webhook endpoint standing for esign-webhooks. */
export async function startReceiver(): Promise<Receiver> {
  const receiver = { verifications: [], notifications: [], echo: true, failNext: 0 } as unknown as Receiver;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const clientId = req.headers['x-adobesign-clientid'] as string | undefined;
      if (req.method === 'GET') receiver.verifications.push(clientId ?? '');
      else receiver.notifications.push({ clientId, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown> });
      if (req.method === 'POST' && receiver.failNext > 0) {
        receiver.failNext -= 1;
        res.writeHead(503).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json', ...(receiver.echo && clientId ? { 'x-adobesign-clientid': clientId } : {}) });
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/esign-webhooks/`;
  receiver.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return receiver;
}

export interface SandboxWorld {
  sandbox: AdobeSignSandbox;
  esign: AdobeSign;
  receiver: Receiver;
  /** The production adapter, configured as the mesh configures the functions. */
  adapter(): AdobeSign;
  restart(): Promise<void>;
}

/** A sandbox (fast webhook retries, its own state file) and a receiver, afresh for each test. */
export function useSandboxWorld(options: AdobeSignSandboxOptions = {}): SandboxWorld {
  const w = {} as SandboxWorld;
  const dir = mkdtempSync(path.join(tmpdir(), 'adobe-sign-sandbox-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  let stateFile = '';
  w.adapter = () =>
    adobeSignFromConfig(
      parseConfig(adobeSignConfigSchema, {
        ADOBE_SIGN_CLIENT_ID: w.sandbox.credentials.clientId,
        ADOBE_SIGN_CLIENT_SECRET: w.sandbox.credentials.clientSecret,
        ADOBE_SIGN_REFRESH_TOKEN: w.sandbox.credentials.refreshToken,
        ADOBE_SIGN_API_HOST: w.sandbox.url,
        ADOBE_SIGN_TIMEOUT_MS: '3000',
      }),
    );
  const start = (port = 0) => startAdobeSignSandbox({ port, stateFile, delivery: { retryBaseDelayMs: 20, maxAttempts: 5, timeoutMs: 1000 }, ...options });
  w.restart = async () => {
    const port = Number(new URL(w.sandbox.url).port);
    await w.sandbox.close();
    // as after a real restart, clients see their kept-alive connections closed before the next call
    await new Promise((r) => setTimeout(r, 50));
    w.sandbox = await start(port);
  };
  let tests = 0;
  beforeEach(async () => {
    stateFile = path.join(dir, `state-${(tests += 1)}.json`);
    w.sandbox = await start();
    w.receiver = await startReceiver();
    w.esign = w.adapter();
  });
  afterEach(async () => {
    await w.sandbox.close();
    await w.receiver.close();
  });
  return w;
}

/** A one-page PDF, as the contract worker would render it. */
export async function contractPdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.addPage().drawText('Contrato de servicio ES-0042-778812');
  return doc.save();
}

export async function newAgreement(overrides: Partial<NewAgreement> = {}): Promise<NewAgreement> {
  return {
    key: `contract-${Math.random().toString(36).slice(2)}`,
    name: 'Contrato de servicio ES-0042-778812',
    document: { bytes: await contractPdf(), fileName: 'contrato.pdf' },
    signingSteps: [
      [{ email: 'maria.nunez@example.com', authentication: { method: 'PHONE', countryCode: '+34', phone: '600111222' } }],
      [{ email: 'tech-0001@example.com' }],
    ],
    ...overrides,
  };
}

/** Waits until `check` holds (polling every 10 ms), or fails after `ms`. */
export async function eventually(check: () => boolean, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
