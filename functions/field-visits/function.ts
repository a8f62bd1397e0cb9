import type { Authenticator } from '../../shared/auth/principal';
import type { Db } from '../../shared/db';
import { makeHttpFunction, route } from '../../shared/http';
import type { Logger } from '../../shared/logging';
import { bookAppointment } from './book';
import { checkIn } from './check-in';
import { checkOut } from './check-out';
import { defaultFieldConfig, type FieldConfig } from './config';
import { myDay } from './day';
import { onMyWay } from './on-my-way';
import { appointmentParams, bookBody, checkInBody, checkOutBody, dayQuery, onMyWayBody } from './schema';

export const NAME = 'field-visits';

export interface FieldVisitsDeps {
  db: Db;
  authenticator: Authenticator;
  logger: Logger;
  config?: FieldConfig;
  clock?: () => Date;
}

/**
 * field-visits: the technician's day from the mobile app — book the slot agreed with the
 * customer (provider admin or the assigned technician), list my appointments of a day, tell
 * the customer I am on my way, check in and check out (the assigned technician). Every write is idempotent by the app's
 * Idempotency-Key: a retry gets the first answer, the work is done once.
 */
export function fieldVisitsFunction(deps: FieldVisitsDeps) {
  const config = deps.config ?? defaultFieldConfig;
  return makeHttpFunction({
    name: NAME,
    db: deps.db,
    clock: deps.clock,
    authenticator: deps.authenticator,
    logger: deps.logger,
    routes: [
      route({
        method: 'POST',
        path: '/appointments',
        roles: ['provider-admin', 'technician'],
        body: bookBody,
        idempotent: 'book',
        status: 201,
        handle: ({ body, principal }, ctx) => bookAppointment(ctx, principal, body),
      }),
      route({
        method: 'GET',
        path: '/day',
        roles: ['technician'],
        query: dayQuery,
        handle: ({ query, principal }) => myDay(deps.db, principal, query.date),
      }),
      route({
        method: 'POST',
        path: '/appointments/:id/on-my-way',
        roles: ['technician'],
        params: appointmentParams,
        body: onMyWayBody,
        idempotent: 'on-my-way',
        handle: ({ params, body, principal }, ctx) => onMyWay(ctx, principal, params.id, body),
      }),
      route({
        method: 'POST',
        path: '/appointments/:id/check-in',
        roles: ['technician'],
        params: appointmentParams,
        body: checkInBody,
        idempotent: 'check-in',
        handle: ({ params, body, principal }, ctx) => checkIn(ctx, principal, params.id, body, config),
      }),
      route({
        method: 'POST',
        path: '/appointments/:id/check-out',
        roles: ['technician'],
        params: appointmentParams,
        body: checkOutBody,
        idempotent: 'check-out',
        handle: ({ params, body, principal }, ctx) => checkOut(ctx, principal, params.id, body),
      }),
    ],
  });
}
