import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../shared/object-storage';
import { contractJob, useContractsWorld } from '../../test/support/contracts';
import { useTestDb } from '../../test/support/db';
import { postJob, seedVisit } from '../../test/support/tv';

const db = useTestDb();
const w = await useContractsWorld(db);

async function pdfText(bytes: Uint8Array): Promise<string> {
  const pdf = await getDocument({ data: bytes.slice(), isEvalSupported: false, useSystemFonts: false }).promise;
  const texts: string[] = [];
  for (let n = 1; n <= pdf.numPages; n += 1) {
    const content = await (await pdf.getPage(n)).getTextContent();
    texts.push(content.items.map((item) => ('str' in item ? item.str : '')).join(' '));
  }
  await pdf.destroy();
  return texts.join(' ').replace(/\s+/g, ' ');
}

const contractOf = async (id: string) =>
  (
    await db.query<Record<string, unknown>>(
      `SELECT status, language, currency, list_price_minor::float8 AS list, channel_adjustment_minor::float8 AS adjustment,
              tv_extra_cost_minor::float8 AS tv, total_minor::float8 AS total, approval_required, phone_auth
         FROM contracts.contracts WHERE id = $1`,
      [id],
    )
  ).rows[0];
const documentsOf = async (id: string) =>
  (
    await db.query<{ kind: string; object_key: string; sha256: string; size_bytes: string; retention_class: string }>(
      'SELECT kind, object_key, sha256, size_bytes, retention_class FROM contracts.documents WHERE contract_id = $1 ORDER BY kind, created_at',
      [id],
    )
  ).rows;

describe('contract-documents: contract-draft', () => {
  it('when a Madrid kitchen is drafted, then its contract is in Spanish with the channel price, kept with its SHA-256, and needs no approval', async () => {
    const order = await w.sell('pyxis-created');
    const { contractId, variables } = await w.draft(order.id);
    expect(variables).toEqual({ contractId, approvalRequired: false, reminderCycle: 'R4/P3D' });
    expect(await contractOf(contractId)).toEqual({
      status: 'drafted',
      language: 'es',
      currency: 'EUR',
      list: 153000,
      adjustment: 0,
      tv: 0,
      total: 153000,
      approval_required: false,
      phone_auth: false,
    });
    const [draft] = await documentsOf(contractId);
    expect(draft).toMatchObject({ kind: 'draft', retention_class: 'working-1y' });
    const bytes = await w.store.get(draft!.object_key);
    expect(sha256Hex(bytes)).toBe(draft!.sha256);
    expect(Number(draft!.size_bytes)).toBe(bytes.length);
    const text = await pdfText(bytes);
    expect(text).toContain('Lucía García Pérez');
    expect(text).toContain('ES-0042-778812');
  });

  it('when a Lyon heat pump above the strong-authentication amount is drafted, then the customer will sign with a one-time SMS code', async () => {
    const order = await w.sell('pyxis-created-fr-store');
    const { contractId } = await w.draft(order.id);
    expect(await contractOf(contractId)).toMatchObject({ language: 'fr', total: 245000, approval_required: false, phone_auth: true });
  });

  it('when the order is above the approval amount (with the TV adjustments the customer accepted), then approvalRequired and the PDF shows the adjustments', async () => {
    const order = await w.sell('pyxis-created');
    await seedVisit(db, order.id, {
      status: 'completed',
      outcome: 'YES_BUT',
      technician: 'tech-0001',
      adjustments: {
        lines: [{ change: 'add', description: 'Refuerzo de pared para muebles altos' }],
        extraCostMinor: 400000,
        currency: 'EUR',
        answer: 'accepted',
      },
    });
    const { contractId, variables } = await w.draft(order.id);
    expect(variables.approvalRequired).toBe(true);
    expect(await contractOf(contractId)).toMatchObject({ tv: 400000, total: 553000, approval_required: true });
    const [draft] = await documentsOf(contractId);
    expect(await pdfText(await w.store.get(draft!.object_key))).toContain('Refuerzo de pared para muebles altos');
  });

  it('when the job is delivered again, or retried under a new key, then the same contract answers and no second one exists', async () => {
    const order = await w.sell('tempo-created-pl');
    const j = contractJob('contract-draft', { orderId: order.id });
    const first = await postJob(w.documentsUrl, j);
    expect(await postJob(w.documentsUrl, j)).toEqual(first);
    const again = await w.draft(order.id, { processInstanceKey: j.processInstanceKey });
    expect(again.contractId).toBe((first.body as { variables: { contractId: string } }).variables.contractId);
    const { rows } = await db.query('SELECT id FROM contracts.contracts WHERE service_order_id = $1', [order.id]);
    expect(rows).toHaveLength(1);
    expect(await contractOf(again.contractId)).toMatchObject({ language: 'pl', currency: 'PLN', list: 104700, adjustment: 7500, total: 112200 });
  });

  it('when another instance drafts for an order with a live contract, then CONTRACT_EXISTS; a cancelled order: ORDER_NOT_ACTIVE', async () => {
    const order = await w.sell('tempo-created-pl');
    await w.draft(order.id);
    expect(await postJob(w.documentsUrl, contractJob('contract-draft', { orderId: order.id }))).toMatchObject({
      status: 422,
      body: { errorCode: 'CONTRACT_EXISTS' },
    });
    const cancelled = await w.sell('pyxis-created', true);
    expect(await postJob(w.documentsUrl, contractJob('contract-draft', { orderId: cancelled.id }))).toMatchObject({
      status: 422,
      body: { errorCode: 'ORDER_NOT_ACTIVE' },
    });
  });
});
