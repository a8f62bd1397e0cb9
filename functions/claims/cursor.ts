import { InvalidInputError } from '../../shared/errors';

/** A page's position: the last row's claimed_at (to the microsecond, as Postgres keeps it) and id. */
export interface Cursor {
  c: string;
  i: string;
}

const ISO_UTC = /^[1-9]\d{3}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function encodeCursor(createdAt: string, id: string): string {
  return Buffer.from(JSON.stringify({ c: createdAt, i: id })).toString('base64url');
}

/** The cursor of a page this API answered; 400 naming `query.cursor` for anything else. */
export function decodeCursor(cursor: string): Cursor {
  try {
    const value = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as { c?: unknown; i?: unknown };
    if (typeof value.c === 'string' && typeof value.i === 'string' && ISO_UTC.test(value.c) && !Number.isNaN(Date.parse(value.c)) && UUID.test(value.i)) {
      return { c: value.c, i: value.i };
    }
  } catch {
    // fall through
  }
  throw new InvalidInputError('invalid query: cursor: not a cursor returned by this API', [
    { field: 'query.cursor', message: 'not a cursor returned by this API' },
  ]);
}
