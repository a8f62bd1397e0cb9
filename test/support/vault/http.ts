import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Raised by a route to answer with Vault's error shape. Source: Vault HTTP API overview, "Error
 * response" (developer.hashicorp.com/vault/api-docs#error-response): an error answers a JSON object
 * whose `errors` key is an array of strings, empty when Vault has nothing to say (e.g. a 404).
 */
export class VaultHttpError extends Error {
  constructor(
    readonly status: number,
    readonly errors: string[],
    readonly body?: Record<string, unknown>,
  ) {
    super(errors[0] ?? `status ${status}`);
  }
}

/** 403 for a missing, unknown or expired token (api-docs "HTTP status codes": 403 Forbidden). */
export const permissionDenied = () => new VaultHttpError(403, ['permission denied']);
/** 404 `{"errors":[]}`: "Invalid path. This can both mean that the path truly doesn't exist or that you don't have permission". */
export const notFound = () => new VaultHttpError(404, []);
/** 400 "Invalid request, missing or invalid data." */
export const badRequest = (message: string) => new VaultHttpError(400, [message]);

export type Json = Record<string, unknown>;

export async function readJson(req: IncomingMessage): Promise<Json> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Json) : {};
  } catch {
    throw badRequest('failed to parse JSON input');
  }
}

export function send(res: ServerResponse, status: number, body?: Json): void {
  if (body === undefined) {
    res.writeHead(status).end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) }).end(text);
}

/**
 * The envelope every successful Vault answer wears (api-docs "Sample Response" of any endpoint):
 * request_id, lease fields, `data`, `wrap_info`, `warnings`, `auth`.
 */
export function envelope(parts: Json): Json {
  return {
    request_id: crypto.randomUUID(),
    lease_id: '',
    renewable: false,
    lease_duration: 0,
    data: null,
    wrap_info: null,
    warnings: null,
    auth: null,
    ...parts,
  };
}

export const asString = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
export const asInt = (value: unknown): number | undefined => {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isInteger(n) ? n : undefined;
};
