import { describe, expect, it } from 'vitest';
import { sendableAt } from './quiet-hours';
import { smsSegments } from './sms-segments';

const at = (iso: string) => new Date(iso);

describe('quiet hours (21:00 to 08:00 local by default)', () => {
  it('when a message is asked for in the day in Madrid, then it goes now', () => {
    expect(sendableAt(at('2026-12-07T10:00:00Z'), 'Europe/Madrid')).toEqual(at('2026-12-07T10:00:00Z'));
    expect(sendableAt(at('2026-12-07T19:59:00Z'), 'Europe/Madrid')).toEqual(at('2026-12-07T19:59:00Z'));
  });

  it('when it is asked for at 21:00 or later, then it waits for 08:00 the next morning, local time', () => {
    // 21:00 in Madrid (UTC+1 in winter) → 08:00 next day = 07:00Z.
    expect(sendableAt(at('2026-12-07T20:00:00Z'), 'Europe/Madrid')).toEqual(at('2026-12-08T07:00:00Z'));
    expect(sendableAt(at('2026-12-07T22:59:00Z'), 'Europe/Madrid')).toEqual(at('2026-12-08T07:00:00Z'));
  });

  it('when it is asked for after midnight, then it waits for 08:00 the same day', () => {
    expect(sendableAt(at('2026-12-08T02:30:00Z'), 'Europe/Warsaw')).toEqual(at('2026-12-08T07:00:00Z'));
  });

  it('when the night crosses a change of summer time, then 08:00 is the local 08:00 after it', () => {
    // Night of 28 to 29 March 2026 in Paris: clocks go from UTC+1 to UTC+2 at 02:00.
    expect(sendableAt(at('2026-03-28T21:30:00Z'), 'Europe/Paris')).toEqual(at('2026-03-29T06:00:00Z'));
    // Night of 24 to 25 October 2026 in Rome: from UTC+2 back to UTC+1.
    expect(sendableAt(at('2026-10-24T20:00:00Z'), 'Europe/Rome')).toEqual(at('2026-10-25T07:00:00Z'));
  });

  it('when a country sets other quiet hours, then they apply; a time that is not HH:MM is refused', () => {
    expect(sendableAt(at('2026-12-07T19:30:00Z'), 'Europe/Madrid', { start: '20:00', end: '09:00' })).toEqual(at('2026-12-08T08:00:00Z'));
    expect(sendableAt(at('2026-12-07T12:30:00Z'), 'Europe/Madrid', { start: '13:00', end: '15:00' })).toEqual(at('2026-12-07T14:00:00Z'));
    expect(() => sendableAt(at('2026-12-07T12:30:00Z'), 'Europe/Madrid', { start: '9pm', end: '08:00' })).toThrow('not a time of day HH:MM: 9pm');
  });
});

describe('SMS segments', () => {
  it('when the body is in the GSM alphabet, then 160 septets fit one segment, then 153 each; extension characters count two', () => {
    expect(smsSegments('a'.repeat(160))).toEqual({ encoding: 'GSM-7', units: 160, segments: 1 });
    expect(smsSegments('a'.repeat(161))).toEqual({ encoding: 'GSM-7', units: 161, segments: 2 });
    expect(smsSegments('a'.repeat(306))).toEqual({ encoding: 'GSM-7', units: 306, segments: 2 });
    expect(smsSegments('€'.repeat(80))).toEqual({ encoding: 'GSM-7', units: 160, segments: 1 });
    expect(smsSegments('Pedido ES-1 el 7 de diciembre, señor: 12,50 €')).toMatchObject({ encoding: 'GSM-7', segments: 1 });
  });

  it('when a character is outside it (Polish letters, a typographic apostrophe), then the whole body is UCS-2: 70, then 67 each', () => {
    expect(smsSegments('Zamówienie')).toEqual({ encoding: 'UCS-2', units: 10, segments: 1 });
    expect(smsSegments(`l’installation ${'x'.repeat(55)}`)).toEqual({ encoding: 'UCS-2', units: 70, segments: 1 });
    expect(smsSegments('ł'.repeat(71))).toEqual({ encoding: 'UCS-2', units: 71, segments: 2 });
    expect(smsSegments('ł'.repeat(135))).toEqual({ encoding: 'UCS-2', units: 135, segments: 3 });
  });
});
