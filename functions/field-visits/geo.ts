import type { Punctuality } from '../../events';

const EARTH_RADIUS_M = 6_371_008.8;
const rad = (deg: number) => (deg * Math.PI) / 180;

/** Great-circle distance in metres between two WGS84 points (haversine). */
export function haversineM(a: { lat: number; lon: number }, b: { lat: number; lon: number }): number {
  const dLat = rad(b.lat - a.lat);
  const dLon = rad(b.lon - a.lon);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

export interface GeofenceResult {
  /** Rounded metres; null when the address has no coordinates. */
  distanceM: number | null;
  withinGeofence: boolean | null;
  /** The tolerance applied: the base plus the reported accuracy, capped. */
  toleranceM: number;
}

/**
 * Where the technician is against the customer's address: within the geofence when the
 * distance is at most the tolerance — the base tolerance plus the GPS accuracy the app reports,
 * counted up to a cap (a fix of poor accuracy cannot widen the fence without bound).
 */
export function geofence(
  position: { lat: number; lon: number; accuracyM?: number | undefined },
  address: { lat: number | null; lon: number | null },
  rules: { toleranceM: number; accuracyCapM: number },
): GeofenceResult {
  const toleranceM = Math.round(rules.toleranceM + Math.min(position.accuracyM ?? 0, rules.accuracyCapM));
  if (address.lat === null || address.lon === null) return { distanceM: null, withinGeofence: null, toleranceM };
  const distanceM = Math.round(haversineM(position, { lat: address.lat, lon: address.lon }));
  return { distanceM, withinGeofence: distanceM <= toleranceM, toleranceM };
}

/** Early / on-time / late against the slot's start, with a grace either side; minutes off (negative = early). */
export function punctuality(at: Date, slotStartsAt: Date, graceMin: number): { punctuality: Punctuality; minutesOff: number } {
  const minutesOff = Math.round((at.getTime() - slotStartsAt.getTime()) / 60_000);
  if (minutesOff < -graceMin) return { punctuality: 'early', minutesOff };
  if (minutesOff > graceMin) return { punctuality: 'late', minutesOff };
  return { punctuality: 'on-time', minutesOff };
}
