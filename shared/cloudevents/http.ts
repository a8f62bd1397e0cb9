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
export function fromHttp(headers: HeaderMap, body: string | Buffer | undefined, options: { keepInvalidData?: boolean } = {}): CloudEvent<unknown> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  const text = body === undefined ? '' : body.toString();
  let parsed: CloudEvent<unknown> | CloudEvent<unknown>[];
  try {
    parsed = HTTP.toEvent({ headers: flat, body: text }) as CloudEvent<unknown> | CloudEvent<unknown>[];
  } catch (error) {
    // Binary mode with data that does not parse as declared: kept as text when asked to.
    if (!options.keepInvalidData || !flat['ce-id']) {
      throw new InvalidInputError(`not a valid CloudEvent: ${(error as Error).message}`);
    }
    const asText = HTTP.toEvent({ headers: { ...flat, 'content-type': 'text/plain' }, body: text }) as CloudEvent<unknown>;
    return asText.cloneWith({ datacontenttype: flat['content-type'] ?? 'text/plain' }, false);
  }
  if (Array.isArray(parsed)) throw new InvalidInputError('batched CloudEvents are not accepted');
  // The SDK reads without validating, and invents an id for a structured event that has none
  // (its redelivery would then pass the inbox as a new event): both are the sender's fault.
  if ((flat['content-type'] ?? '').startsWith('application/cloudevents+json') && !(JSON.parse(text) as { id?: unknown }).id) {
    throw new InvalidInputError('not a valid CloudEvent: no id');
  }
  try {
    parsed.validate();
  } catch (error) {
    throw new InvalidInputError(`not a valid CloudEvent: ${(error as Error).message}`);
  }
  if (typeof parsed.data === 'string' && /json/.test(parsed.datacontenttype ?? 'application/json')) {
    try {
      return parsed.cloneWith({ data: JSON.parse(parsed.data) as unknown }, false);
    } catch {
      if (options.keepInvalidData) return parsed;
      throw new InvalidInputError('CloudEvent data is not valid JSON');
    }
  }
  return parsed;
}
