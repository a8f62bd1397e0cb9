import { z } from 'zod';
import { UnauthenticatedError } from '../errors';
import { openLink, signLink } from './signed-link';

/**
 * A link the customer acts from without an account (answer the Work Closing Form, open a claim,
 * answer the satisfaction survey).
 * The link itself is the credential: a token `<payload>.<signature>` (base64url) where the
 * payload binds what the link is for (`purpose`), the one thing it acts on (`subjectId`: a WCF
 * form, an order), its service order and an expiry, and the signature is HMAC-SHA256 of the
 * payload with CUSTOMER_LINK_SECRET. A token that is malformed, forged, expired or made for
 * another purpose is refused as UnauthenticatedError (401); nothing of it is ever logged.
 * Single use is the caller's: the thing the link acts on refuses a second answer (409).
 */
export const customerLinkPurposes = ['wcf-answer', 'claim', 'unsubscribe', 'survey'] as const;
export type CustomerLinkPurpose = (typeof customerLinkPurposes)[number];

export interface CustomerLinkClaims {
  purpose: CustomerLinkPurpose;
  subjectId: string;
  serviceOrderId: string;
  expiresAt: Date;
}

/** The secret: at least 32 characters, no default. */
export const customerLinkSecretSchema = z.string().min(32, { error: 'must be at least 32 characters' });

const payloadSchema = z.strictObject({ p: z.enum(customerLinkPurposes), s: z.uuid(), o: z.uuid(), exp: z.number().int().positive() });

export function signCustomerLink(secret: string, claims: CustomerLinkClaims): string {
  return signLink(secret, { p: claims.purpose, s: claims.subjectId, o: claims.serviceOrderId, exp: Math.floor(claims.expiresAt.getTime() / 1000) });
}

export function verifyCustomerLink(secret: string, token: string, purpose: CustomerLinkPurpose, now: Date): CustomerLinkClaims {
  const parsed = payloadSchema.safeParse(openLink(secret, token));
  if (!parsed.success || parsed.data.p !== purpose || parsed.data.exp * 1000 <= now.getTime()) throw new UnauthenticatedError('invalid or expired link');
  const claims = parsed.data;
  return { purpose: claims.p, subjectId: claims.s, serviceOrderId: claims.o, expiresAt: new Date(claims.exp * 1000) };
}
