import type { Channel } from '../../shared/notify/consent';
import type { Price } from '../../shared/notify/providers/types';
import { smsSegments } from '../../shared/notify/sms-segments';
import type { CountrySettings } from './send';

export interface SendCost {
  segments: number | null;
  encoding: string | null;
  micros: number;
  currency: string;
  source: 'provider' | 'tariff';
}

/**
 * What a message sent costs: the provider's price when it gave one, else the country's tariff
 * (per SMS segment — the provider's count, else ours — or per email). Twilio's own price comes
 * later, after delivery (./prices.ts).
 */
export function sendCost(channel: Channel, body: string, provider: { segments: number | null; price: Price | null }, settings: CountrySettings): SendCost {
  const counted = channel === 'sms' ? smsSegments(body) : undefined;
  const segments = counted ? (provider.segments ?? counted.segments) : null;
  const encoding = counted?.encoding ?? null;
  if (provider.price) return { segments, encoding, micros: provider.price.micros, currency: provider.price.currency, source: 'provider' };
  const micros = channel === 'sms' ? Number(settings.sms_segment_micros) * (segments ?? 1) : Number(settings.email_micros);
  return { segments, encoding, micros, currency: settings.currency, source: 'tariff' };
}
