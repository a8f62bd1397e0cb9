import type { Queryable } from '../../shared/db';
import type { CustomerLinkClaims } from '../../shared/domain/customer-link';
import { localeOfCountry } from '../../shared/domain/locale';
import { ConflictError, NotFoundError } from '../../shared/errors';
import type { WriteContext } from '../../shared/http';
import { surveyPage } from './page';
import type { SurveyBody } from './schema';

/** The page of the link: the survey in the order's language, or its thanks once answered. */
export async function showSurvey(db: Queryable, link: CustomerLinkClaims) {
  const {
    rows: [order],
  } = await db.query<{ country_code: string; sales_order_id: string | null; answered: boolean }>(
    `SELECT o.country_code, o.sales_order_id, EXISTS (SELECT 1 FROM orders.satisfaction_surveys s WHERE s.service_order_id = o.id) AS answered
       FROM orders.service_orders o WHERE o.id = $1 AND o.id = $2`,
    [link.serviceOrderId, link.subjectId],
  );
  if (!order) throw new NotFoundError('no order for this link');
  return surveyPage(localeOfCountry(order.country_code), order.sales_order_id ?? link.serviceOrderId, order.answered ? 'answered' : 'ask');
}

/** The customer's answer, stored once per order; a second one is refused (409 already-answered). */
export async function answerSurvey({ tx, now }: WriteContext, link: CustomerLinkClaims, body: SurveyBody) {
  const comment = body.comment ? body.comment : null;
  const { rows } = await tx.query<{ service_order_id: string }>(
    `INSERT INTO orders.satisfaction_surveys (service_order_id, rating, comment, answered_at)
     SELECT id, $2, $3, $4 FROM orders.service_orders WHERE id = $1
     ON CONFLICT (service_order_id) DO NOTHING RETURNING service_order_id`,
    [link.serviceOrderId, body.rating, comment, now],
  );
  if (rows.length === 0) {
    const { rowCount } = await tx.query('SELECT 1 FROM orders.service_orders WHERE id = $1', [link.serviceOrderId]);
    if (!rowCount) throw new NotFoundError('no order for this link');
    throw new ConflictError('this survey was already answered', 'already-answered');
  }
  return { serviceOrderId: link.serviceOrderId, rating: body.rating, comment, answeredAt: now.toISOString() };
}
