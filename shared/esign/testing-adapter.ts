import { afterEach, beforeEach, expect } from 'vitest';
import { parseConfig } from '../config';
import { adobeSignFromConfig, type AdobeSign } from './adobe-sign';
import { adobeSignConfigSchema } from './config';
import { FakeAdobeSign } from './testing';
import type { NewAgreement } from './types';

/** The adapter against a FakeAdobeSign started afresh for each test, on a clock the test moves (`w.now`). */
export interface AdobeSignWorld {
  fake: FakeAdobeSign;
  esign: AdobeSign;
  now: number;
  adapter(timeoutMs?: number): AdobeSign;
}

export function useAdobeSignWorld(): AdobeSignWorld {
  const w = {
    now: 0,
    adapter: (timeoutMs = 2000) =>
      adobeSignFromConfig(
        parseConfig(adobeSignConfigSchema, {
          ADOBE_SIGN_CLIENT_ID: 'fake-client-id',
          ADOBE_SIGN_CLIENT_SECRET: 'fake-client-secret',
          ADOBE_SIGN_REFRESH_TOKEN: 'fake-refresh-token',
          ADOBE_SIGN_API_HOST: w.fake.url,
          ADOBE_SIGN_TIMEOUT_MS: String(timeoutMs),
        }),
        { now: () => w.now },
      ),
  } as AdobeSignWorld;
  beforeEach(async () => {
    w.now = Date.parse('2027-01-10T09:00:00Z');
    w.fake = await FakeAdobeSign.start({ now: () => w.now });
    w.esign = w.adapter();
  });
  afterEach(() => w.fake.close());
  return w;
}

export const pdfBytes = new TextEncoder().encode('%PDF-1.7\n% Contrato de servicio — Núñez\n%%EOF\n');

export const contract = (overrides: Partial<NewAgreement> = {}): NewAgreement => ({
  key: 'contract-0001',
  name: 'Contrato de servicio ES-0042-778812',
  document: { bytes: pdfBytes, fileName: 'contrato-ES-0042-778812.pdf' },
  signingSteps: [[{ email: 'maria.nunez@example.com' }]],
  ...overrides,
});

/** The one value of a collection (the test fails when there are more or none). */
export const only = <T>(values: Iterable<T>): T => {
  const all = [...values];
  expect(all).toHaveLength(1);
  return all[0] as T;
};
