import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { UnauthenticatedError } from '../errors';

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

function sign(secret: string, payload: string): Buffer {
  return createHmac('sha256', secret).update(payload).digest();
}

export function signAnswerToken(secret: string, claims: AnswerTokenClaims): string {
  const payload = Buffer.from(JSON.stringify({ v: claims.visitId, o: claims.serviceOrderId, exp: Math.floor(claims.expiresAt.getTime() / 1000) })).toString(
    'base64url',
  );
  return `${payload}.${sign(secret, payload).toString('base64url')}`;
}

export function verifyAnswerToken(secret: string, token: string, now: Date): AnswerTokenClaims {
  const invalid = () => new UnauthenticatedError('invalid or expired answer link');
  const [payload, signature, ...rest] = token.split('.');
  if (!payload || !signature || rest.length > 0) throw invalid();
  const given = Buffer.from(signature, 'base64url');
  const expected = sign(secret, payload);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalid();
  let claims: z.infer<typeof payloadSchema>;
  try {
    claims = payloadSchema.parse(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')));
  } catch {
    throw invalid();
  }
  if (claims.exp * 1000 <= now.getTime()) throw invalid();
  return { visitId: claims.v, serviceOrderId: claims.o, expiresAt: new Date(claims.exp * 1000) };
}
