/**
 * Quiet hours: no customer SMS at night in the recipient's country (by default 21:00 to 08:00
 * local time). A message asked for then is deferred to the end of the quiet hours, not dropped.
 */
export interface QuietHours {
  /** Local time the quiet hours start, HH:MM. */
  start: string;
  /** Local time they end, HH:MM (the next morning when before start). */
  end: string;
}

export const defaultQuietHours: QuietHours = { start: '21:00', end: '08:00' };

const minutesOf = (hhmm: string) => {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(hhmm);
  if (!match) throw new RangeError(`not a time of day HH:MM: ${hhmm}`);
  return Number(match[1]) * 60 + Number(match[2]);
};

interface LocalParts {
  year: number;
  month: number;
  day: number;
  minutes: number;
}

function localParts(instant: Date, timeZone: string): LocalParts {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .formatToParts(instant)
      .map((p) => [p.type, p.value]),
  );
  return { year: Number(parts.year), month: Number(parts.month), day: Number(parts.day), minutes: Number(parts.hour) * 60 + Number(parts.minute) };
}

/** The instant a local wall-clock time happens in `timeZone` (the later one in a DST gap's shift). */
function instantOf(year: number, month: number, day: number, minutes: number, timeZone: string): Date {
  const wall = Date.UTC(year, month - 1, day, Math.floor(minutes / 60), minutes % 60);
  let guess = wall;
  for (let i = 0; i < 3; i++) {
    const local = localParts(new Date(guess), timeZone);
    const asUtc = Date.UTC(local.year, local.month - 1, local.day, Math.floor(local.minutes / 60), local.minutes % 60);
    guess += wall - asUtc;
  }
  return new Date(guess);
}

/**
 * When a message asked for at `now` may be sent to someone in `timeZone`: `now` outside the quiet
 * hours, else the next local `end` (today's when past midnight, tomorrow's in the evening).
 */
export function sendableAt(now: Date, timeZone: string, quiet: QuietHours = defaultQuietHours): Date {
  const start = minutesOf(quiet.start);
  const end = minutesOf(quiet.end);
  const local = localParts(now, timeZone);
  const inQuiet = start > end ? local.minutes >= start || local.minutes < end : local.minutes >= start && local.minutes < end;
  if (!inQuiet) return now;
  const tomorrow = start > end && local.minutes >= start;
  const day = new Date(Date.UTC(local.year, local.month - 1, local.day + (tomorrow ? 1 : 0)));
  return instantOf(day.getUTCFullYear(), day.getUTCMonth() + 1, day.getUTCDate(), end, timeZone);
}
