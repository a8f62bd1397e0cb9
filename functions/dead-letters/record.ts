import type { CloudEvent } from 'cloudevents';
import type { Queryable } from '../../shared/db';

/** A dead-lettered event as Knative delivers it to the dead letter sink. */
export interface DeadLetter {
  source: string;
  id: string;
  type: string;
  destination: string | null;
  errorCode: number | null;
  /** The failing function's answer (`knativeerrordata`, base64), decoded: its reason. */
  reason: string | null;
  attributes: Record<string, unknown>;
  data: unknown;
}

export function toDeadLetter(event: CloudEvent<unknown>): DeadLetter {
  const attributes: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(event)) if (name !== 'data' && name !== 'data_base64') attributes[name] = value;
  const code = Number(attributes.knativeerrorcode);
  return {
    source: event.source,
    id: event.id,
    type: event.type,
    destination: typeof attributes.knativeerrordest === 'string' ? attributes.knativeerrordest : null,
    errorCode: Number.isInteger(code) && code > 0 ? code : null,
    reason: decodeReason(attributes.knativeerrordata),
    attributes,
    data: event.data ?? null,
  };
}

function decodeReason(value: unknown): string | null {
  if (typeof value !== 'string' || value === '') return null;
  const text = Buffer.from(value, 'base64').toString('utf8');
  try {
    const body = JSON.parse(text) as { reason?: unknown };
    if (typeof body.reason === 'string') return body.reason;
  } catch {
    // not JSON: keep the text as it is
  }
  return text.slice(0, 2000);
}

/** Stores a dead letter once per (source, id, destination): Knative may deliver it twice. */
export async function saveDeadLetter(db: Queryable, letter: DeadLetter): Promise<boolean> {
  const result = await db.query(
    `INSERT INTO platform.dead_letters (event_source, event_id, event_type, destination, error_code, error_reason, attributes, data)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (event_source, event_id, destination) DO NOTHING`,
    [
      letter.source,
      letter.id,
      letter.type,
      letter.destination ?? '',
      letter.errorCode,
      letter.reason,
      JSON.stringify(letter.attributes),
      JSON.stringify(letter.data),
    ],
  );
  return result.rowCount === 1;
}
