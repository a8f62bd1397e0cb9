import type { AddressInfo } from 'node:net';
import { afterAll } from 'vitest';
import { CloudEvent } from 'cloudevents';
import { toHttpBinary } from '../../shared/cloudevents/http';
import { serve, type RequestHandler } from '../../shared/runtime';
import { memoryLogger } from './logger';

let counter = 0;

/** Serves a function handler through functions-framework on an ephemeral port. */
export async function startFunction(name: string, handler: RequestHandler): Promise<string> {
  counter += 1;
  const server = await serve(`${name}-test-${counter}`, handler, { port: 0, host: '127.0.0.1', logger: memoryLogger(), exitOnShutdown: false });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

export interface Answer {
  status: number;
  body: Record<string, unknown>;
}

/** POSTs a CloudEvent in HTTP binary mode, as a KafkaSource delivers it. */
export async function postEvent(url: string, event: CloudEvent<unknown>): Promise<Answer> {
  const { headers, body } = toHttpBinary(event);
  const response = await fetch(url, { method: 'POST', headers, body });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

export function cloudEvent(attributes: { type: string; source?: string; id?: string; data: unknown; [k: string]: unknown }) {
  return new CloudEvent<unknown>({ source: '/test', datacontenttype: 'application/json', ...attributes }, false);
}
