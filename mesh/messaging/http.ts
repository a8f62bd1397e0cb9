import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KeyObject } from 'node:crypto';
import type { Controls } from './controls';
import type { Outbox } from './outbox';
import type { MessagingState } from './state';

/** What a route answers: status, a JSON body (or none) and extra headers. */
export interface Answer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** One request, read whole. */
export interface Request {
  method: string;
  url: URL;
  contentType: string;
  authorization: string | undefined;
  body: Buffer;
}

/** What the routes share. */
export interface SandboxContext {
  state: MessagingState;
  controls: Controls;
  outbox: Outbox;
  signingKey: KeyObject;
  /** The sender of Messaging Service sends and of the replies' `To` when nothing was sent to the phone. */
  serviceNumber: string;
  pricing: { perSegment: number; unit: string };
  /** SendGrid events waiting for the batch window to close. */
  emailEvents: Record<string, unknown>[];
  log: (line: string) => void;
}

export async function readRequest(req: IncomingMessage): Promise<Request> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return {
    method: req.method ?? 'GET',
    url: new URL(req.url ?? '/', 'http://sandbox'),
    contentType: req.headers['content-type'] ?? '',
    authorization: req.headers.authorization,
    body: Buffer.concat(chunks),
  };
}

export function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8') || '{}');
  } catch {
    throw new RangeError('the body is not JSON');
  }
}

export function send(res: ServerResponse, answer: Answer): void {
  if (res.headersSent) return void res.end();
  const payload = answer.body === undefined ? undefined : JSON.stringify(answer.body);
  res.writeHead(answer.status, { ...(payload === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' }), ...answer.headers });
  res.end(payload);
}
