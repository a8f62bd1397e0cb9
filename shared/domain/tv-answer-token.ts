import { z } from 'zod';
import { UnauthenticatedError } from '../errors';
import { openLink, signLink } from './signed-link';

/**
 * The customer's answer link of a YES_BUT technical visit. The customer has no account: the
 * link itself is the credential, a token `<payload>.<signature>` (base64url) where the payload
 * binds the visit, its service order and an expiry, and the signature is HMAC-SHA256 of the
 * payload with TV_ANSWER_LINK_SECRET. A token that is malformed, forged (signature), or expired
 * is refused as UnauthenticatedError (401); nothing of it is ever logged.
 */
export interface AnswerTokenClaims {
  visitId: string;
  serviceOrderId: string;
  expiresAt: Date;
}

/**
 * How long a link stays readable after the answer deadline: a customer who answers late is
 * told the deadline passed (409) rather than that the link is invalid (401).
 */
export const ANSWER_LINK_GRACE_MS = 30 * 86_400_000;

/** The secret: at least 32 characters, no default. */
export const answerLinkSecretSchema = z.string().min(32, { error: 'must be at least 32 characters' });

const payloadSchema = z.strictObject({ v: z.uuid(), o: z.uuid(), exp: z.number().int().positive() });

export function signAnswerToken(secret: string, claims: AnswerTokenClaims): string {
  return signLink(secret, { v: claims.visitId, o: claims.serviceOrderId, exp: Math.floor(claims.expiresAt.getTime() / 1000) });
}

export function verifyAnswerToken(secret: string, token: string, now: Date): AnswerTokenClaims {
  const parsed = payloadSchema.safeParse(openLink(secret, token));
  if (!parsed.success || parsed.data.exp * 1000 <= now.getTime()) throw new UnauthenticatedError('invalid or expired answer link');
  return { visitId: parsed.data.v, serviceOrderId: parsed.data.o, expiresAt: new Date(parsed.data.exp * 1000) };
}
