import { describe, expect, it } from 'vitest';
import { fake, message, twilio, useTwilioFake, MESSAGES } from './twilio-fake';

useTwilioFake();

describe('twilioSms: one message', () => {
  it('when a sent message is fetched by its sid, then its price comes in micros; an unknown sid is undefined', async () => {
    fake.stored = [message({ sid: 'SM-priced', to: '+34612345678', status: 'delivered', price: '-0.07500', num_segments: '1' })];
    expect(await twilio().message('SM-priced')).toMatchObject({
      providerMessageId: 'SM-priced',
      status: 'delivered',
      price: { micros: 75000, currency: 'USD' },
    });
    expect(fake.seen.at(-1)).toMatchObject({ method: 'GET', path: `${MESSAGES.replace(/\.json$/, '')}/SM-priced.json` });
    expect(await twilio().message('SM-unknown')).toBeUndefined();
  });
});

describe('twilioSms: lookup', () => {
  const to = '+34612345678';
  const at = (iso: string) => new Date(iso).toUTCString().replace('GMT', '+0000');

  it('when messages are looked up, then Twilio is asked by To only (a message still queued has no date_sent), and those created before since are left out', async () => {
    fake.stored = [
      message({
        sid: 'SM-after',
        to,
        status: 'delivered',
        date_created: at('2023-08-24T06:00:00Z'),
        date_sent: at('2023-08-24T06:00:01Z'),
        num_segments: '2',
        price: '-0.15000',
      }),
      message({ sid: 'SM-still-queued', to, date_created: at('2023-08-24T06:30:00Z'), date_sent: null }),
      message({ sid: 'SM-same-second', to, date_created: at('2023-08-24T05:01:45Z'), date_sent: at('2023-08-24T05:01:46Z') }),
      message({ sid: 'SM-earlier-that-day', to, date_created: at('2023-08-24T04:00:00Z'), date_sent: at('2023-08-24T04:00:01Z') }),
      message({ sid: 'SM-day-before', to, date_created: at('2023-08-23T23:59:00Z'), date_sent: at('2023-08-23T23:59:01Z') }),
      message({ sid: 'SM-other-number', to: '+34699999999', date_created: at('2023-08-24T06:00:00Z'), date_sent: at('2023-08-24T06:00:01Z') }),
    ];
    const found = await twilio().lookup(to, new Date('2023-08-24T05:01:45.500Z'));
    expect(found.map((m) => m.providerMessageId)).toEqual(['SM-after', 'SM-still-queued', 'SM-same-second']);
    expect(found[0]).toEqual({
      providerMessageId: 'SM-after',
      to,
      body: 'Hola',
      status: 'delivered',
      dateCreated: new Date('2023-08-24T06:00:00Z'),
      segments: 2,
      price: { micros: 150000, currency: 'USD' },
    });
    expect(fake.seen).toHaveLength(1);
    expect(fake.seen[0]?.method).toBe('GET');
    expect(fake.seen[0]?.query.get('To')).toBe(to);
    expect(fake.seen[0]?.query.has('DateSent>')).toBe(false);
  });

  it('when the answer has several pages, then next_page_uri is followed, and no more than 5 pages are read', async () => {
    fake.stored = Array.from({ length: 700 }, (_, i) =>
      message({ sid: `SM${String(i).padStart(3, '0')}`, to, date_created: at('2023-08-24T10:00:00Z'), date_sent: at('2023-08-24T10:00:01Z') }),
    );
    const found = await twilio().lookup(to, new Date('2023-08-24T00:00:00Z'));
    expect(fake.seen).toHaveLength(5);
    expect(fake.seen.map((s) => s.query.get('PageToken'))).toEqual([null, 'PASM1', 'PASM2', 'PASM3', 'PASM4']);
    expect(found).toHaveLength(500);
    expect(found[499]?.providerMessageId).toBe('SM499');
  });

  it('when the last page has no next_page_uri, then lookup stops there', async () => {
    fake.stored = Array.from({ length: 150 }, (_, i) =>
      message({ sid: `SM${i}`, to, date_created: at('2023-08-24T10:00:00Z'), date_sent: at('2023-08-24T10:00:01Z') }),
    );
    expect(await twilio().lookup(to, new Date('2023-08-24T00:00:00Z'))).toHaveLength(150);
    expect(fake.seen).toHaveLength(2);
  });

  it('when Twilio refuses the lookup, then it throws with the status and Twilio code', async () => {
    await expect(twilio({ authToken: 'wrong' }).lookup(to, new Date('2023-08-24T00:00:00Z'))).rejects.toMatchObject({
      name: 'SmsLookupError',
      status: 401,
      code: '20003',
    });
  });
});
