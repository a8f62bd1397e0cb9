import { InvalidInputError } from '../errors';

/**
 * A list page's position, opaque to callers: the last row's sort time (ISO UTC to the microsecond,
 * as Postgres keeps it: select it with to_char(... AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'))
 * and its id.
 */
export interface Cursor {
  c: string;
  i: string;
}

const ISO_UTC = /^[1-9]\d{3}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An ISO UTC timestamp Postgres reads as is (no rolled-over day or hour). */
function isTimestamp(value: string): boolean {
  const time = Date.parse(value);
  return ISO_UTC.test(value) && !Number.isNaN(time) && new Date(time).toISOString().slice(0, 19) === value.slice(0, 19);
}

export function encodeCursor(at: string, id: string): string {
  return Buffer.from(JSON.stringify({ c: at, i: id })).toString('base64url');
}

/** The cursor of a page this API answered; 400 naming `query.cursor` for anything else. */
export function decodeCursor(cursor: string): Cursor {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as { c?: unknown; i?: unknown };
    if (typeof value.c === 'string' && typeof value.i === 'string' && isTimestamp(value.c) && UUID.test(value.i)) return { c: value.c, i: value.i };
  } catch {
    // fall through
  }
  throw new InvalidInputError('invalid query: cursor: not a cursor returned by this API', [
    { field: 'query.cursor', message: 'not a cursor returned by this API' },
  ]);
}
