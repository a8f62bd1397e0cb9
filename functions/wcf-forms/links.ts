import { signCustomerLink } from '../../shared/domain/customer-link';

export interface LinkSettings {
  secret: string;
  baseUrl: string;
}

/** How long the customer's answer link works: well past the operator's chase (an answer after it is still welcome). */
export const ANSWER_LINK_VALIDITY_MS = 60 * 86_400_000;

/** The page the customer answers the closing form from: the base URL, then the signed token. */
export function answerLink(link: LinkSettings, formId: string, serviceOrderId: string, now: Date): string {
  const token = signCustomerLink(link.secret, {
    purpose: 'wcf-answer',
    subjectId: formId,
    serviceOrderId,
    expiresAt: new Date(now.getTime() + ANSWER_LINK_VALIDITY_MS),
  });
  return `${link.baseUrl.replace(/\/+$/, '')}/${token}`;
}
