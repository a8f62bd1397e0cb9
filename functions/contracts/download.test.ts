import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { pdf, startContractsHarness } from './testing';

const h = await startContractsHarness();
const { db, identity, raw } = h;

/** An ES order's signed contract with its signed PDF stored and recorded. */
async function signedContract(text = `signed ${randomUUID()}`) {
  const order = (await h.sell('pyxis-created')).id;
  const contract = await h.seedContract(order, { status: 'signed', agreement: { id: `AGR-${randomUUID()}` } });
  const bytes = pdf(text);
  const document = await h.seedDocument(contract, { kind: 'signed', bytes });
  return { contract, document, bytes };
}

const integrityErrors = (documentId: string) => h.logger.lines.filter((l) => l.msg === 'contract document integrity error' && l.documentId === documentId);

describe('contracts GET /:contractId/documents/:documentId', () => {
  it('when the stored bytes match the recorded SHA-256, then 200 with the PDF as an attachment', async () => {
    const { contract, document, bytes } = await signedContract();
    const answer = await raw('GET', `/${contract}/documents/${document.id}`, await identity.bearer('operator-es'));
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('application/pdf');
    expect(answer.headers.get('content-disposition')).toBe(`attachment; filename="contract-${contract}-signed.pdf"`);
    expect(answer.bytes.equals(bytes)).toBe(true);
  });

  it('when the stored file was tampered with, then 500 logged as an integrity error and nothing of it is served', async () => {
    const { contract, document } = await signedContract();
    const tampered = pdf('a different contract, same length..').subarray(0, (await h.documents.head(document.key))!.size);
    await writeFile(path.join(h.root, 'objects', ...document.key.split('/')), tampered);
    const answer = await raw('GET', `/${contract}/documents/${document.id}`, await identity.bearer('operator-es'));
    expect(answer.status).toBe(500);
    expect(answer.headers.get('content-type')).toMatch(/json/);
    expect(JSON.parse(answer.bytes.toString('utf8'))).toEqual({ error: 'internal', message: 'internal error' });
    expect(answer.bytes.includes('%PDF')).toBe(false);
    expect(integrityErrors(document.id)).toHaveLength(1);
  });

  it('when the recorded SHA-256 is not that of the stored bytes, then 500 logged as an integrity error', async () => {
    const { contract, document } = await signedContract();
    await db.query('UPDATE contracts.documents SET sha256 = $2 WHERE id = $1', [document.id, 'f'.repeat(64)]);
    const answer = await raw('GET', `/${contract}/documents/${document.id}`, await identity.bearer('operator-es'));
    expect(answer.status).toBe(500);
    expect(answer.bytes.includes('%PDF')).toBe(false);
    expect(integrityErrors(document.id)).toEqual([expect.objectContaining({ level: 'error', reason: 'hash mismatch', expectedSha256: 'f'.repeat(64) })]);
  });

  it('when the stored object is gone, then 500 logged as an integrity error', async () => {
    const { contract } = await signedContract();
    const { rows } = await db.query<{ id: string }>(
      `INSERT INTO contracts.documents (contract_id, kind, object_key, sha256, size_bytes, content_type, retention_class)
       VALUES ($1, 'draft', $2, $3, 10, 'application/pdf', 'working-1y') RETURNING id`,
      [contract, `contracts/${contract}/never-stored.pdf`, 'a'.repeat(64)],
    );
    const answer = await raw('GET', `/${contract}/documents/${rows[0]!.id}`, await identity.bearer('operator-es'));
    expect(answer.status).toBe(500);
    expect(integrityErrors(rows[0]!.id)).toEqual([expect.objectContaining({ reason: 'missing' })]);
  });

  it("when the document is another contract's, or the contract another tenant's, then 404", async () => {
    const a = await signedContract();
    const b = await signedContract();
    const es = await identity.bearer('operator-es');
    expect((await raw('GET', `/${a.contract}/documents/${b.document.id}`, es)).status).toBe(404);
    expect((await raw('GET', `/${a.contract}/documents/${randomUUID()}`, es)).status).toBe(404);
    expect((await raw('GET', `/${a.contract}/documents/${a.document.id}`, await identity.bearer('operator-fr'))).status).toBe(404);
  });
});
