import { z } from 'zod';
import { openLink } from '../../shared/domain/signed-link';
import { UnauthenticatedError } from '../../shared/errors';

/**
 * The token of an email's unsubscribe link (`List-Unsubscribe: <{base}/unsubscribe/{token}>`),
 * signed with CUSTOMER_LINK_SECRET (shared/domain/signed-link.ts). Its payload names the message
 * and an expiry (Unix seconds), in either of two shapes: the customer links' one
 * (`{p: 'unsubscribe', s: requestId, o: serviceOrderId, exp}`: signCustomerLink of
 * shared/domain/customer-link.ts, as notify-sender signs it) or
 * `{purpose: 'unsubscribe', requestId, exp}`. Malformed, forged, expired or made for another
 * purpose: UnauthenticatedError (401), and nothing of it is logged.
 */
const payload = z.union([
  z.object({ p: z.literal('unsubscribe'), s: z.uuid(), exp: z.number().int().positive() }).transform((v) => ({ requestId: v.s, exp: v.exp })),
  z.object({ purpose: z.literal('unsubscribe'), requestId: z.uuid(), exp: z.number().int().positive() }),
]);

export function openUnsubscribeLink(secret: string, token: string, now: Date): { requestId: string } {
  const parsed = payload.safeParse(openLink(secret, token));
  if (!parsed.success || parsed.data.exp * 1000 <= now.getTime()) throw new UnauthenticatedError('invalid or expired unsubscribe link');
  return { requestId: parsed.data.requestId };
}
