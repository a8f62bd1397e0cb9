import type { Request, Response } from '@google-cloud/functions-framework';
import type { Db } from '../../shared/db';
import { makeHttpFunction, route } from '../../shared/http';
import type { Logger } from '../../shared/logging';
import { fallBackToEmail } from '../../shared/notify/fallback';
import {
  freshTimestamp,
  SENDGRID_SIGNATURE_HEADER,
  SENDGRID_TIMESTAMP_HEADER,
  TWILIO_SIGNATURE_HEADER,
  verifySendGridSignature,
  verifyTwilioSignature,
} from '../../shared/notify/signatures';
import { formParams, inboundSms, readForm, sendGridBatch, statusCallback, statusQuery, tokenParams, twilioForm } from './schema';
import { receiveEvents } from './sendgrid';
import { receiveInbound, receiveStatus, type FallBack } from './twilio';
import { showUnsubscribe, unsubscribe } from './unsubscribe';
import { openUnsubscribeLink } from './unsubscribe-link';

export const NAME = 'notify-webhooks';

export interface NotifyWebhooksDeps {
  db: Db;
  logger: Logger;
  twilioAuthToken: string;
  /** SendGrid's verification key: base64 of the DER public key. */
  sendGridPublicKey: string;
  /** NOTIFY_PUBLIC_BASE_URL, without a trailing slash: the URL Twilio signs is this plus the request's path and query. */
  publicBaseUrl: string;
  /** CUSTOMER_LINK_SECRET: checks the unsubscribe links' tokens. */
  linkSecret: string;
  signatureToleranceS: number;
  /** shared/notify/fallback.ts unless told. */
  fallBack?: FallBack;
  clock?: () => Date;
}

/**
 * notify-webhooks: what the messaging providers and mail clients call back.
 *   - `POST /twilio/status?requestId=` (status callbacks) and `POST /twilio/inbound` (STOP/START);
 *   - `POST /sendgrid/events` (the event webhook's batches);
 *   - `GET|POST /unsubscribe/:token` (the emails' List-Unsubscribe link: GET shows a page, POST unsubscribes).
 * The providers are known by their signatures, not by a bearer token: the routes are open to
 * `'anyone'` and this edge checks the signature first, over the bytes received — missing, wrong or
 * (SendGrid) stale → 401 naming the header, nothing read or written. Twilio signs the public URL
 * it was given (NOTIFY_PUBLIC_BASE_URL + path + query), not the URL behind the ingress. The
 * unsubscribe token is checked by its route (401 when forged or expired). One transaction per request.
 */
export function notifyWebhooksFunction(deps: NotifyWebhooksDeps) {
  const fallBack = deps.fallBack ?? fallBackToEmail;
  const clock = deps.clock ?? (() => new Date());
  const linkOf = (token: string, now: Date) => openUnsubscribeLink(deps.linkSecret, token, now);
  const routes = makeHttpFunction({
    name: NAME,
    db: deps.db,
    clock,
    logger: deps.logger,
    headers: { 'cache-control': 'no-store' },
    routes: [
      route({
        method: 'POST',
        path: '/twilio/status',
        roles: 'anyone',
        query: statusQuery,
        body: twilioForm,
        transaction: true,
        handle: ({ query, body }, ctx) => receiveStatus(ctx, fallBack, readForm(statusCallback, body), query.requestId),
      }),
      route({
        method: 'POST',
        path: '/twilio/inbound',
        roles: 'anyone',
        body: twilioForm,
        transaction: true,
        handle: ({ body }, ctx) => receiveInbound(ctx, readForm(inboundSms, body)),
      }),
      route({
        method: 'POST',
        path: '/sendgrid/events',
        roles: 'anyone',
        body: sendGridBatch,
        transaction: true,
        handle: ({ body }, ctx) => receiveEvents(ctx, body),
      }),
      route({
        method: 'GET',
        path: '/unsubscribe/:token',
        roles: 'anyone',
        params: tokenParams,
        handle: ({ params }, { now }) => showUnsubscribe(deps.db, linkOf(params.token, now).requestId),
      }),
      // RFC 8058: the one-click POST carries `List-Unsubscribe=One-Click` (form-encoded or
      // multipart); the signed link is the credential and the POST the intent, so any body is taken.
      route({
        method: 'POST',
        path: '/unsubscribe/:token',
        roles: 'anyone',
        params: tokenParams,
        transaction: true,
        handle: ({ params }, ctx) => unsubscribe(ctx, linkOf(params.token, ctx.now).requestId),
      }),
    ],
  });
  return async (req: Request, res: Response): Promise<void> => {
    const refusal = signatureRefusal(deps, req, clock());
    if (refusal) {
      deps.logger.info('webhook refused', { method: req.method, path: req.path, reason: refusal.reason });
      res.setHeader('cache-control', 'no-store');
      res.status(401).json({ error: 'unauthenticated', message: refusal.message });
      return;
    }
    await routes(req, res);
  };
}

/** Why a provider's request is refused, or undefined when its signature holds (or the path is not a provider's). */
function signatureRefusal(deps: NotifyWebhooksDeps, req: Request, now: Date): { reason: string; message: string } | undefined {
  const raw = req.rawBody ?? Buffer.alloc(0);
  if (req.path.startsWith('/twilio/')) {
    const header = req.header(TWILIO_SIGNATURE_HEADER);
    // The query as received, not re-encoded: Twilio signs the URL it was given, as is.
    const url = `${deps.publicBaseUrl}${req.originalUrl}`;
    if (verifyTwilioSignature(deps.twilioAuthToken, url, formParams(raw), header)) return undefined;
    return { reason: header ? 'invalid signature' : 'no signature', message: `missing or invalid ${TWILIO_SIGNATURE_HEADER}` };
  }
  if (req.path.startsWith('/sendgrid/')) {
    const signature = req.header(SENDGRID_SIGNATURE_HEADER);
    const timestamp = req.header(SENDGRID_TIMESTAMP_HEADER);
    const options = { now, toleranceS: deps.signatureToleranceS };
    if (verifySendGridSignature(deps.sendGridPublicKey, signature, timestamp, raw, options)) return undefined;
    const reason = !signature ? 'no signature' : !freshTimestamp(timestamp, options) ? 'stale or missing timestamp' : 'invalid signature';
    return { reason, message: `missing, invalid or stale ${SENDGRID_SIGNATURE_HEADER} / ${SENDGRID_TIMESTAMP_HEADER}` };
  }
  return undefined;
}
