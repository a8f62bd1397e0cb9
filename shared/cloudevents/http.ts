import { CloudEvent, HTTP } from 'cloudevents';
import { InvalidInputError } from '../errors';

export type HeaderMap = Record<string, string | string[] | undefined>;

/** Binary content mode: attributes as `ce-*` headers, the JSON data as the body. */
export function toHttpBinary(event: CloudEvent<unknown>): { headers: Record<string, string>; body: string } {
  const message = HTTP.binary(event);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.headers)) headers[name] = String(value);
  const body = typeof message.body === 'string' ? message.body : JSON.stringify(message.body);
  return { headers, body };
}

/**
 * Reads one CloudEvent from an HTTP request in binary or structured mode. A request
 * that is not a valid CloudEvent is the sender's fault: InvalidInputError (400).
 */
export function fromHttp(headers: HeaderMap, body: string | Buffer | undefined): CloudEvent<unknown> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  const text = body === undefined ? '' : body.toString();
  let parsed: CloudEvent<unknown> | CloudEvent<unknown>[];
  try {
    parsed = HTTP.toEvent({ headers: flat, body: text }) as CloudEvent<unknown> | CloudEvent<unknown>[];
  } catch (error) {
    throw new InvalidInputError(`not a valid CloudEvent: ${(error as Error).message}`);
  }
  if (Array.isArray(parsed)) throw new InvalidInputError('batched CloudEvents are not accepted');
  if (typeof parsed.data === 'string' && /json/.test(parsed.datacontenttype ?? 'application/json')) {
    try {
      return parsed.cloneWith({ data: JSON.parse(parsed.data) as unknown }, false);
    } catch {
      throw new InvalidInputError('CloudEvent data is not valid JSON');
    }
  }
  return parsed;
}
