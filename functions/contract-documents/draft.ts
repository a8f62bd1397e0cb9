import { createHash, randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { bpmnErrors } from '../../bpmn/contract';
import type { ContractDocument } from '../../shared/contracts-document/model';
import { PermanentError } from '../../shared/errors';
import type { ObjectStore } from '../../shared/object-storage';
import type { JobContext, JobOutcome } from '../../shared/workflow';
import { readOrderForContract } from './queries';
import type { draftVariables } from './schema';
import { contractSettings, reminderCycle } from '../../shared/domain/contract-settings';

/**
 * pdf-lib, fontkit and the templates (~1.5 MiB bundled) are loaded on the first draft, not at
 * boot: the worker's cold start does not wait for them (bench:cold-start).
 */
async function render(document: ContractDocument): Promise<Uint8Array> {
  const { renderContract } = await import('../../shared/contracts-document');
  return renderContract(document);
}

export interface DraftDeps {
  store: ObjectStore;
  clock?: () => Date;
}

/**
 * contract-draft: the contract of one workflow instance, drafted once (the row is keyed by the
 * process instance): amounts from the order's channel price plus the TV adjustments the customer
 * accepted, the country's rules (approval above its amount; the one-time SMS code above its
 * amount where it asks for it), and the PDF in the customer's language kept in object storage
 * (write-once, its key carries its SHA-256, so a retried job finds the same document).
 * An order cancelled, or contracted by another instance: BPMN errors the model ends on.
 */
export function makeDraftContract(deps: DraftDeps) {
  const now = deps.clock ?? (() => new Date());
  return async ({ orderId }: z.infer<typeof draftVariables>, { tx, job }: JobContext): Promise<JobOutcome> => {
    const order = await readOrderForContract(tx, orderId);
    if (!order) throw new PermanentError(`service order ${orderId} not found`, 'unknown-service-order');
    if (order.status === 'CANCELLED') return { kind: 'bpmn-error', errorCode: bpmnErrors.orderNotActive, message: `service order ${orderId} is cancelled` };
    const settings = await contractSettings(tx, order.countryCode);
    if (settings.currency !== order.currency) {
      throw new PermanentError(`the contract rules of ${order.countryCode} are in ${settings.currency}, the order in ${order.currency}`, 'currency-mismatch');
    }
    const {
      rows: [mine],
    } = await tx.query<{ id: string; approval_required: boolean }>('SELECT id, approval_required FROM contracts.contracts WHERE process_instance_key = $1', [
      job.processInstanceKey,
    ]);
    if (!mine) {
      const {
        rows: [live],
      } = await tx.query<{ id: string }>(
        `SELECT id FROM contracts.contracts WHERE service_order_id = $1 AND status NOT IN ('recalled', 'cancelled', 'not-approved')`,
        [orderId],
      );
      if (live || order.contractStatus !== 'awaiting-signature') {
        return {
          kind: 'bpmn-error',
          errorCode: bpmnErrors.contractExists,
          message: `service order ${orderId} already has a contract (${order.contractStatus})`,
        };
      }
    }
    const contractId = mine?.id ?? randomUUID();
    const approvalRequired = order.totalMinor > settings.approvalThresholdMinor;
    const phoneAuth = settings.phoneAuth && order.totalMinor > settings.strongAuthThresholdMinor;
    const pdf = await render({ ...order.document, contractId, date: now().toISOString().slice(0, 10) });
    const sha256 = createHash('sha256').update(pdf).digest('hex');
    const stored = await deps.store.put(`contracts/${contractId}/draft-${sha256.slice(0, 16)}.pdf`, pdf, {
      contentType: 'application/pdf',
      retentionClass: 'working-1y',
    });
    if (!mine) {
      await tx.query(
        `INSERT INTO contracts.contracts (id, service_order_id, process_instance_key, status, language, currency, list_price_minor,
                                         channel_adjustment_minor, tv_extra_cost_minor, total_minor, approval_required, phone_auth)
         VALUES ($1, $2, $3, 'drafted', $4, $5, $6, $7, $8, $9, $10, $11)`,
        [
          contractId,
          orderId,
          job.processInstanceKey,
          order.language,
          order.currency,
          order.listPriceMinor,
          order.channelAdjustmentMinor,
          order.tvExtraCostMinor,
          order.totalMinor,
          approvalRequired,
          phoneAuth,
        ],
      );
    }
    await tx.query(
      `INSERT INTO contracts.documents (contract_id, kind, object_key, sha256, size_bytes, content_type, retention_class)
       VALUES ($1, 'draft', $2, $3, $4, 'application/pdf', $5) ON CONFLICT (object_key) DO NOTHING`,
      [contractId, stored.key, stored.sha256, stored.size, stored.retentionClass],
    );
    return { kind: 'complete', variables: { contractId, approvalRequired, reminderCycle: reminderCycle(settings) } };
  };
}
