import type { Authenticator } from '../../shared/auth/principal';
import type { Db } from '../../shared/db';
import { idempotencyKeyOf, idempotently, makeHttpFunction, ok, replayed, route } from '../../shared/http';
import type { Logger } from '../../shared/logging';
import { currentTraceHeaders } from '../../shared/observability/tracing';
import { makeOutbox } from '../../shared/outbox';
import { bookAppointment } from './book';
import { defaultFieldConfig, type FieldConfig } from './config';
import { myDay } from './day';
import { appointmentParams, bookBody, checkInBody, checkOutBody, dayQuery } from './schema';
import { checkIn, checkOut } from './visit';

export const NAME = 'field-visits';
const SOURCE = `/functions/${NAME}`;

export interface FieldVisitsDeps {
  db: Db;
  authenticator: Authenticator;
  logger: Logger;
  config?: FieldConfig;
  clock?: () => Date;
}

/**
 * field-visits: the technician's day from the mobile app — book the slot agreed with the
 * customer (provider admin or the assigned technician), list my appointments of a day, check
 * in and check out (the assigned technician). Every write is idempotent by the app's
 * Idempotency-Key: a retry gets the first answer, the work is done once.
 */
export function fieldVisitsFunction(deps: FieldVisitsDeps) {
  const config = deps.config ?? defaultFieldConfig;
  const clock = deps.clock ?? (() => new Date());
  const outboxOf = (tx: Parameters<typeof makeOutbox>[0]) => makeOutbox(tx, { source: SOURCE, clock, traceHeaders: currentTraceHeaders });
  return makeHttpFunction({
    authenticator: deps.authenticator,
    logger: deps.logger,
    routes: [
      route({
        method: 'POST',
        path: '/appointments',
        roles: ['provider-admin', 'technician'],
        body: bookBody,
        idempotent: true,
        handle: async ({ body, principal }, ctx) =>
          replayed(await idempotently(deps.db, { scope: `${NAME}:book`, subject: principal.subject, key: idempotencyKeyOf(ctx), request: body }, (tx) =>
            bookAppointment(tx, outboxOf(tx), principal, body, clock()))),
      }),
      route({
        method: 'GET',
        path: '/day',
        roles: ['technician'],
        query: dayQuery,
        handle: async ({ query, principal }) => ok(await myDay(deps.db, principal, query.date)),
      }),
      route({
        method: 'POST',
        path: '/appointments/:id/check-in',
        roles: ['technician'],
        params: appointmentParams,
        body: checkInBody,
        idempotent: true,
        handle: async ({ params, body, principal }, ctx) =>
          replayed(await idempotently(deps.db, { scope: `${NAME}:check-in`, subject: principal.subject, key: idempotencyKeyOf(ctx), request: { params, body } }, (tx) =>
            checkIn(tx, outboxOf(tx), principal, params.id, body, clock(), config))),
      }),
      route({
        method: 'POST',
        path: '/appointments/:id/check-out',
        roles: ['technician'],
        params: appointmentParams,
        body: checkOutBody,
        idempotent: true,
        handle: async ({ params, body, principal }, ctx) =>
          replayed(await idempotently(deps.db, { scope: `${NAME}:check-out`, subject: principal.subject, key: idempotencyKeyOf(ctx), request: { params, body } }, (tx) =>
            checkOut(tx, outboxOf(tx), principal, params.id, body, clock()))),
      }),
    ],
  });
}
