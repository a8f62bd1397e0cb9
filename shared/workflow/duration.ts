import { z } from 'zod';

const ISO_DURATION = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/**
 * Milliseconds of an ISO 8601 duration as BPMN timers and Camunda use them (`PT72H`, `P3D`,
 * `P1DT12H`, `PT0.5S`). Years and months are refused: their length depends on the calendar.
 */
export function durationMs(text: string): number {
  const match = ISO_DURATION.exec(text);
  if (!match || text === 'P' || text.endsWith('T')) throw new Error(`"${text}" is not an ISO 8601 duration such as PT72H or P3D`);
  const [, w, d, h, m, s] = match;
  const n = (v: string | undefined) => (v ? Number(v) : 0);
  return Math.round((((n(w) * 7 + n(d)) * 24 + n(h)) * 60 + n(m)) * 60_000 + n(s) * 1000);
}

function isDuration(text: string): boolean {
  try {
    durationMs(text);
    return true;
  } catch {
    return false;
  }
}

/** A setting or variable that is a duration durationMs accepts. */
export const isoDuration = z.string().refine(isDuration, { error: 'must be an ISO 8601 duration such as PT4H or P5D' });
