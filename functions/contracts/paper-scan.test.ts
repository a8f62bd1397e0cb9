import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../shared/object-storage';
import { pdf, startContractsHarness } from './testing';

const h = await startContractsHarness();
const { db, identity, raw } = h;

async function contractAwaitingPaper() {
  const order = (await h.sell('pyxis-created')).id;
  return h.seedContract(order, { status: 'declined' });
}

const upload = async (contract: string, body: Buffer | undefined, contentType = 'application/pdf', user: 'operator-es' | 'operator-fr' = 'operator-es') => {
  const answer = await raw('POST', `/${contract}/paper-scan`, await identity.bearer(user), body, contentType);
  return { status: answer.status, body: JSON.parse(answer.bytes.toString('utf8')) as Record<string, unknown> };
};

const documentsOf = async (contract: string) =>
  (
    await db.query<{ id: string; kind: string; object_key: string; sha256: string; size_bytes: string; retention_class: string }>(
      'SELECT id, kind, object_key, sha256, size_bytes, retention_class FROM contracts.documents WHERE contract_id = $1',
      [contract],
    )
  ).rows;

describe('contracts POST /:contractId/paper-scan', () => {
  it('when an operator uploads a PDF, then 201 with its document id, SHA-256 and size; it is stored for 10 years and served back', async () => {
    const contract = await contractAwaitingPaper();
    const bytes = pdf(`scan ${randomUUID()}`);
    const sha256 = sha256Hex(bytes);
    const answer = await upload(contract, bytes);
    expect(answer).toEqual({ status: 201, body: { documentId: expect.any(String), sha256, sizeBytes: bytes.length } });
    const key = `contracts/${contract}/paper-scan-${sha256.slice(0, 16)}.pdf`;
    expect(await documentsOf(contract)).toEqual([
      { id: answer.body.documentId, kind: 'paper-scan', object_key: key, sha256, size_bytes: String(bytes.length), retention_class: 'contract-10y' },
    ]);
    expect(await h.documents.head(key)).toMatchObject({ sha256, retentionClass: 'contract-10y', contentType: 'application/pdf' });
    const back = await raw('GET', `/${contract}/documents/${String(answer.body.documentId)}`, await identity.bearer('operator-es'));
    expect(back.status).toBe(200);
    expect(back.bytes.equals(bytes)).toBe(true);
  });

  it('when the same bytes are uploaded again, then the same document: stored and recorded once', async () => {
    const contract = await contractAwaitingPaper();
    const bytes = pdf(`scan ${randomUUID()}`);
    const first = await upload(contract, bytes);
    const again = await upload(contract, bytes);
    expect(again).toEqual(first);
    expect(await documentsOf(contract)).toHaveLength(1);
    const other = await upload(contract, pdf(`another page ${randomUUID()}`));
    expect(other.status).toBe(201);
    expect(other.body.documentId).not.toBe(first.body.documentId);
    expect(await documentsOf(contract)).toHaveLength(2);
  });

  it.each([
    ['bytes that are not a PDF', () => Buffer.from('GIF89a not a pdf at all'), 'application/pdf', 'must be a PDF (starting with %PDF-)'],
    ['another content type', () => pdf('scan'), 'image/jpeg', 'must be application/pdf'],
    ['more than 10 MB', () => Buffer.concat([pdf('big'), Buffer.alloc(10 * 1024 * 1024)]), 'application/pdf', `at most ${10 * 1024 * 1024} bytes`],
  ])('when the body is %s, then 400 naming body and nothing is stored', async (_case, bytes, contentType, message) => {
    const contract = await contractAwaitingPaper();
    const answer = await upload(contract, bytes(), contentType);
    expect(answer).toMatchObject({ status: 400, body: { error: 'invalid_input', issues: [{ field: 'body', message }] } });
    expect(await documentsOf(contract)).toEqual([]);
  });

  it('when there is no body, then 400 naming body', async () => {
    const contract = await contractAwaitingPaper();
    expect(await upload(contract, undefined)).toMatchObject({ status: 400, body: { issues: [{ field: 'body', message: 'Required' }] } });
  });

  it('when operator-fr uploads to an ES contract, then 404 and nothing is stored', async () => {
    const contract = await contractAwaitingPaper();
    expect((await upload(contract, pdf('scan'), 'application/pdf', 'operator-fr')).status).toBe(404);
    expect(await documentsOf(contract)).toEqual([]);
  });
});
