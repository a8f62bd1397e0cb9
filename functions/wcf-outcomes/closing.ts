import { serviceOrderClosed } from '../../events';
import type { DbClient } from '../../shared/db';
import { claimSettings } from '../../shared/domain/claim-rules';
import { signCustomerLink } from '../../shared/domain/customer-link';
import { informCustomer } from '../../shared/domain/messages';
import type { Warranty } from '../../shared/domain/warranties';
import type { Outbox } from '../../shared/outbox/outbox';
import type { OrderRow } from './queries';

/** Asks for a message to the order's customer (email, else SMS; by reference, no PII). */
export const tellCustomer = (outbox: Outbox, order: OrderRow, templateId: string, parameters: Record<string, string | number>) =>
  informCustomer(outbox, {
    serviceOrderId: order.id,
    customerId: order.customer_id,
    hasEmail: order.customer_has_email,
    countryCode: order.country_code,
    templateId,
    parameters,
  });

export interface Acceptance {
  /** The signed form that closes the order (the closing form, or the lifting form). */
  formId: string;
  signedAt: Date;
  acceptedOn: string;
  warranties: Warranty[];
}

/** How the customer's claim link is signed and addressed (CUSTOMER_LINK_SECRET, CLAIM_LINK_BASE_URL). */
export interface ClaimLinkSettings {
  secret: string;
  baseUrl: string;
}

/**
 * The page the customer opens a claim on the order from (functions/claims, once): signed for the
 * order, valid for the country's claim_link_days from the closing (claims.country_settings).
 */
export async function claimLink(tx: DbClient, link: ClaimLinkSettings, order: OrderRow, closedAt: Date): Promise<string> {
  const days = (await claimSettings(tx, order.country_code)).claimLinkDays;
  const token = signCustomerLink(link.secret, {
    purpose: 'claim',
    subjectId: order.id,
    serviceOrderId: order.id,
    expiresAt: new Date(closedAt.getTime() + days * 86_400_000),
  });
  return `${link.baseUrl.replace(/\/+$/, '')}/${token}`;
}

/** How the satisfaction survey's link is signed and addressed (CUSTOMER_LINK_SECRET, SURVEY_LINK_BASE_URL). */
export interface SurveyLinkSettings {
  secret: string;
  baseUrl: string;
}

/** How long the survey link sent when the order closes stays open. */
export const SURVEY_LINK_DAYS = 30;

/** The survey page of the order (functions/customer-surveys): signed for the order, for SURVEY_LINK_DAYS from the closing. */
export function surveyLink(link: SurveyLinkSettings, order: OrderRow, closedAt: Date): string {
  const token = signCustomerLink(link.secret, {
    purpose: 'survey',
    subjectId: order.id,
    serviceOrderId: order.id,
    expiresAt: new Date(closedAt.getTime() + SURVEY_LINK_DAYS * 86_400_000),
  });
  return `${link.baseUrl.replace(/\/+$/, '')}/${token}`;
}

/**
 * Closes the order on the customer's acceptance: closed_at = the form's signature, only while
 * still open. Only the run that closed it announces orders.service-order.closed and tells the
 * customer (wcf.work-accepted, with their claim link when `link` is set and the order is an
 * installation: a repair's defects are claimed on the installation), then sends an installation's
 * customer the satisfaction survey (orders.satisfaction-survey, when `survey` is set; never for a
 * repair or a claim visit), so a retried job changes nothing. Returns whether it closed it.
 */
export async function closeOrder(
  tx: DbClient,
  outbox: Outbox,
  order: OrderRow,
  acceptance: Acceptance,
  link?: ClaimLinkSettings,
  survey?: SurveyLinkSettings,
): Promise<boolean> {
  const { rowCount } = await tx.query(`UPDATE orders.service_orders SET closed_at = $2, updated_at = NOW() WHERE id = $1 AND closed_at IS NULL`, [
    order.id,
    acceptance.signedAt,
  ]);
  if (rowCount === 0) return false;
  const warranties = acceptance.warranties.map((w) => ({ code: w.code, endsOn: w.endsOn }));
  await outbox.add(
    serviceOrderClosed,
    { serviceOrderId: order.id, formId: acceptance.formId, acceptedOn: acceptance.acceptedOn, closedAt: acceptance.signedAt.toISOString(), warranties },
    { subject: order.id },
  );
  const last = [...warranties].sort((a, b) => a.endsOn.localeCompare(b.endsOn)).at(-1);
  await tellCustomer(outbox, order, 'wcf.work-accepted', {
    orderReference: order.sales_order_id,
    warrantyCount: warranties.length,
    ...(last ? { lastWarrantyEndsOn: last.endsOn } : {}),
    ...(link && order.kind === 'installation' ? { claimUrl: await claimLink(tx, link, order, acceptance.signedAt) } : {}),
  });
  if (survey && order.kind === 'installation') {
    await tellCustomer(outbox, order, 'orders.satisfaction-survey', {
      orderReference: order.sales_order_id,
      surveyUrl: surveyLink(survey, order, acceptance.signedAt),
    });
  }
  return true;
}
