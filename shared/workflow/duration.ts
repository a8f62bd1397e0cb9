import { z } from 'zod';

const NUMBER = String.raw`(\d+(?:\.\d+)?)`;
const ISO_DURATION = new RegExp(`^P(?:${NUMBER}W)?(?:${NUMBER}D)?(?:T(?:${NUMBER}H)?(?:${NUMBER}M)?(?:${NUMBER}S)?)?$`);

/**
 * Milliseconds of an ISO 8601 duration as BPMN timers, Camunda and Knative's delivery specs use
 * them (`PT72H`, `P3D`, `P1DT12H`, `PT0.3S`), or undefined for anything else. Years and months
 * are refused: their length depends on the calendar.
 */
export function parseIsoDurationMs(text: string): number | undefined {
  const match = ISO_DURATION.exec(text);
  if (!match || text === 'P' || text.endsWith('T')) return undefined;
  const [, w, d, h, m, s] = match;
  const n = (v: string | undefined) => (v ? Number(v) : 0);
  return Math.round((((n(w) * 7 + n(d)) * 24 + n(h)) * 60 + n(m)) * 60_000 + n(s) * 1000);
}

/** parseIsoDurationMs for text that must be a duration (configuration checked at boot, model values). */
export function durationMs(text: string): number {
  const ms = parseIsoDurationMs(text);
  if (ms === undefined) throw new Error(`"${text}" is not an ISO 8601 duration such as PT72H or P3D`);
  return ms;
}

/** A setting or variable that is a duration durationMs accepts. */
export const isoDuration = z.string().refine((text) => parseIsoDurationMs(text) !== undefined, { error: 'must be an ISO 8601 duration such as PT4H or P5D' });
