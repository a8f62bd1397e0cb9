import { describe, expect, it } from 'vitest';
import { geofence, haversineM, punctuality } from './geo';

const home = { lat: 40.4237, lon: -3.6741 };
const rules = { toleranceM: 250, accuracyCapM: 100 };

describe('geofence and punctuality', () => {
  it('when two points are one degree of latitude apart, then the distance is about 111.2 km', () => {
    expect(haversineM({ lat: 40, lon: -3 }, { lat: 41, lon: -3 })).toBeCloseTo(111_195, -2);
  });

  it('when the technician is at the address or within the tolerance, then within; beyond it, outside', () => {
    expect(geofence(home, home, rules)).toEqual({ distanceM: 0, withinGeofence: true, toleranceM: 250 });
    expect(geofence({ lat: home.lat + 0.002, lon: home.lon }, home, rules)).toMatchObject({ distanceM: 222, withinGeofence: true });
    expect(geofence({ lat: home.lat + 0.003, lon: home.lon }, home, rules)).toMatchObject({ distanceM: 334, withinGeofence: false });
  });

  it('when the app reports its GPS accuracy, then it widens the tolerance up to the cap', () => {
    const off = { lat: home.lat + 0.003, lon: home.lon }; // 334 m
    expect(geofence({ ...off, accuracyM: 90 }, home, rules)).toMatchObject({ withinGeofence: true, toleranceM: 340 });
    expect(geofence({ ...off, accuracyM: 5000 }, home, rules)).toMatchObject({ withinGeofence: true, toleranceM: 350 });
    expect(geofence({ lat: home.lat + 0.004, lon: home.lon, accuracyM: 5000 }, home, rules)).toMatchObject({ withinGeofence: false, toleranceM: 350 });
  });

  it('when the address has no coordinates, then distance and geofence are null', () => {
    expect(geofence(home, { lat: null, lon: null }, rules)).toEqual({ distanceM: null, withinGeofence: null, toleranceM: 250 });
  });

  it("when the check-in is within the grace of the slot's start, then on time; before it early, after it late", () => {
    const start = new Date('2030-03-04T08:00:00Z');
    const after = (min: number) => new Date(start.getTime() + min * 60_000);
    expect(punctuality(after(-15), start, 15)).toEqual({ punctuality: 'on-time', minutesOff: -15 });
    expect(punctuality(after(15), start, 15)).toEqual({ punctuality: 'on-time', minutesOff: 15 });
    expect(punctuality(after(-16), start, 15)).toEqual({ punctuality: 'early', minutesOff: -16 });
    expect(punctuality(after(42), start, 15)).toEqual({ punctuality: 'late', minutesOff: 42 });
  });
});
