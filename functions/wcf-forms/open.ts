import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { bpmnErrors } from '../../bpmn/contract';
import { informCustomer } from '../../shared/domain/messages';
import { answerReminderCycle, wcfSettings } from '../../shared/domain/wcf-settings';
import { PermanentError } from '../../shared/errors';
import type { JobContext, JobOutcome } from '../../shared/workflow';
import { answerLink, type LinkSettings } from './links';
import { orderLanguage } from './queries';
import type { openVariables } from './schema';

interface OrderRow {
  status: 'CREATED' | 'CANCELLED';
  country_code: string;
  customer_id: string;
  sales_order_id: string;
  has_email: boolean;
  closing_form_id: string | null;
  closing_instance: string | null;
}

/**
 * wcf-open: the order's closing form, opened once per workflow instance (keyed by the process
 * instance): awaiting the customer's answer, which they give on the technician's device or from
 * the link they are sent now (`wcf.answer-requested`). Outputs the form and the country's timers
 * (reminders while unanswered, the operator's chase after the timeout, the store's validation).
 * A cancelled order, or one whose closing form another instance opened: BPMN errors the model ends on.
 */
export function makeOpenForm(deps: { link: LinkSettings; clock: () => Date }) {
  return async ({ orderId }: z.infer<typeof openVariables>, { tx, outbox, job }: JobContext): Promise<JobOutcome> => {
    const {
      rows: [order],
    } = await tx.query<OrderRow>(
      `SELECT o.status, o.country_code, o.customer_id, o.sales_order_id, (c.email IS NOT NULL) AS has_email,
              f.id AS closing_form_id, f.process_instance_key AS closing_instance
         FROM orders.service_orders o
         JOIN orders.customers c ON c.id = o.customer_id
         LEFT JOIN wcf.forms f ON f.service_order_id = o.id AND f.kind = 'closing'
        WHERE o.id = $1
          FOR NO KEY UPDATE OF o`,
      [orderId],
    );
    if (!order) throw new PermanentError(`service order ${orderId} not found`, 'unknown-service-order');
    if (order.status === 'CANCELLED') return { kind: 'bpmn-error', errorCode: bpmnErrors.orderNotActive, message: `service order ${orderId} is cancelled` };
    if (order.closing_form_id && order.closing_instance !== job.processInstanceKey) {
      return { kind: 'bpmn-error', errorCode: bpmnErrors.wcfExists, message: `service order ${orderId} already has closing form ${order.closing_form_id}` };
    }
    const settings = await wcfSettings(tx, order.country_code);
    const formId = order.closing_form_id ?? randomUUID();
    if (!order.closing_form_id) {
      await tx.query(
        `INSERT INTO wcf.forms (id, service_order_id, kind, process_instance_key, status, language) VALUES ($1, $2, 'closing', $3, 'awaiting-answer', $4)`,
        [formId, orderId, job.processInstanceKey, await orderLanguage(tx, orderId)],
      );
      await informCustomer(outbox, {
        serviceOrderId: orderId,
        customerId: order.customer_id,
        hasEmail: order.has_email,
        countryCode: order.country_code,
        templateId: 'wcf.answer-requested',
        parameters: { orderReference: order.sales_order_id, answerUrl: answerLink(deps.link, formId, orderId, deps.clock()) },
      });
    }
    return {
      kind: 'complete',
      variables: {
        formId,
        formKind: 'closing',
        answerReminderCycle: answerReminderCycle(settings),
        answerTimeout: settings.answerTimeout,
        storeValidationTimeout: settings.storeValidationTimeout,
      },
    };
  };
}
