import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import type { Db } from '../../shared/db';
import { parseConfig } from '../../shared/config';
import { adobeSignConfigSchema, adobeSignFromConfig } from '../../shared/esign';
import { FakeAdobeSign } from '../../shared/esign/testing';
import { makeLocalObjectStore, type ObjectStore, type RetentionClass } from '../../shared/object-storage';
import { useTestDb } from '../../test/support/db';
import { startFunction } from '../../test/support/function-server';
import { useDevIdentity } from '../../test/support/identity';
import { memoryLogger } from '../../test/support/logger';
import { requestedMessages, useOrderSeller } from '../../test/support/tv';
import { contractsFunction } from './function';

export type Json = Record<string, unknown>;

export const pdf = (text: string) => Buffer.from(`%PDF-1.7\n% ${text}\n%%EOF\n`);

/**
 * contracts served with the real dev OpenID provider and database, Adobe Sign faked over HTTP
 * (FakeAdobeSign behind the real adapter) and documents in a local object store in a temporary
 * directory; orders sold through the real order-intake, contracts seeded by SQL.
 */
export async function startContractsHarness() {
  const db = useTestDb();
  const identity = await useDevIdentity();
  const sell = await useOrderSeller(db);
  const fake = await FakeAdobeSign.start();
  const root = await mkdtemp(path.join(tmpdir(), 'contracts-objects-'));
  afterAll(async () => {
    await fake.close();
    await rm(root, { recursive: true, force: true });
  });
  const esign = adobeSignFromConfig(
    parseConfig(adobeSignConfigSchema, {
      ADOBE_SIGN_CLIENT_ID: 'fake-client-id',
      ADOBE_SIGN_CLIENT_SECRET: 'fake-client-secret',
      ADOBE_SIGN_REFRESH_TOKEN: 'fake-refresh-token',
      ADOBE_SIGN_API_HOST: fake.url,
      ADOBE_SIGN_TIMEOUT_MS: '2000',
    }),
  );
  const documents = makeLocalObjectStore({ root });
  const logger = memoryLogger();
  const url = await startFunction('contracts', contractsFunction({ db, authenticator: identity.authenticator, logger, esign, documents }));

  /** A JSON request (a POST carries a fresh Idempotency-Key unless one is given). */
  async function call(method: string, pathname: string, authorization?: string, body?: unknown, idempotencyKey?: string) {
    const key = idempotencyKey ?? (method === 'POST' ? `test-${randomUUID()}` : undefined);
    const response = await fetch(`${url}${pathname}`, {
      method,
      headers: {
        ...(authorization ? { authorization } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(key ? { 'idempotency-key': key } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Json, headers: response.headers };
  }

  /** A raw request: the bytes of the answer, whatever its type. */
  async function raw(method: string, pathname: string, authorization: string, body?: Buffer, contentType = 'application/pdf') {
    const response = await fetch(`${url}${pathname}`, {
      method,
      headers: { authorization, ...(body ? { 'content-type': contentType } : {}) },
      body,
    });
    return { status: response.status, headers: response.headers, bytes: Buffer.from(await response.arrayBuffer()) };
  }

  /** An agreement out for signature at (fake) Adobe, as the contract workflow's sender creates it. */
  async function sendAgreement(key: string): Promise<string> {
    const { agreementId } = await esign.createAgreement({
      key,
      name: 'Contrato de servicio',
      document: { bytes: pdf('contrato'), fileName: 'contrato.pdf' },
      signingSteps: [[{ email: 'lucia.garcia@example.es' }]],
    });
    return agreementId;
  }

  return {
    url,
    db,
    identity,
    sell,
    fake,
    esign,
    documents,
    root,
    logger,
    call,
    raw,
    sendAgreement,
    seedContract: (orderId: string, seed?: ContractSeed) => seedContract(db, orderId, seed),
    seedDocument: (contractId: string, seed: DocumentSeed) => seedDocument(db, documents, contractId, seed),
    seedEvent: (contractId: string, seed: EventSeed) => seedEvent(db, contractId, seed),
    messagesFor: (contractId: string) => requestedMessages(db, contractId),
  };
}

export interface ContractSeed {
  status?: 'drafted' | 'out-for-signature' | 'signed' | 'declined' | 'recalled' | 'cancelled';
  /** The agreement out for signature (Adobe's id) and our status of it (contracts.agreements). */
  agreement?: { id: string; status?: 'OUT_FOR_SIGNATURE' | 'SIGNED' | 'DECLINED' | 'EXPIRED' | 'RECALLED' };
  createdAt?: Date;
  totalMinor?: number;
}

/** A contract row (and our row of its agreement), as the contract workflow's workers write them. */
export async function seedContract(db: Db, orderId: string, seed: ContractSeed = {}): Promise<string> {
  const id = randomUUID();
  const status = seed.status ?? 'out-for-signature';
  const signed = status === 'signed';
  const total = seed.totalMinor ?? 145350;
  await db.query(
    `INSERT INTO contracts.contracts (id, service_order_id, process_instance_key, status, language, currency, list_price_minor,
                                      channel_adjustment_minor, tv_extra_cost_minor, total_minor, approval_required, phone_auth,
                                      attempt, agreement_id, signature_method, signed_at, created_at)
     VALUES ($1, $2, $3, $4, 'es', 'EUR', $5, $6, 5000, $7, false, true, 1, $8, $9, $10, $11)`,
    [
      id,
      orderId,
      `7${Date.now()}${Math.floor(Math.random() * 1e6)}`,
      status,
      total + 7650 - 5000,
      -7650,
      total,
      seed.agreement?.id ?? null,
      signed ? 'e-signature' : null,
      signed ? new Date('2027-01-11T10:00:00Z') : null,
      seed.createdAt ?? new Date(),
    ],
  );
  if (seed.agreement) {
    await db.query(`INSERT INTO contracts.agreements (agreement_id, contract_key, service_order_id, status, contract_id) VALUES ($1, $2, $3, $4, $5)`, [
      seed.agreement.id,
      `${id}:1`,
      orderId,
      seed.agreement.status ?? (signed ? 'SIGNED' : 'OUT_FOR_SIGNATURE'),
      id,
    ]);
  }
  return id;
}

export interface DocumentSeed {
  kind: 'draft' | 'signed' | 'audit-trail' | 'paper-scan';
  bytes: Buffer;
  retentionClass?: RetentionClass;
}

/** A document stored in the object store and recorded in contracts.documents, as the archive worker does. */
export async function seedDocument(db: Db, documents: ObjectStore, contractId: string, seed: DocumentSeed) {
  const key = `contracts/${contractId}/${seed.kind}-${randomUUID()}.pdf`;
  const stored = await documents.put(key, seed.bytes, { contentType: 'application/pdf', retentionClass: seed.retentionClass ?? 'contract-10y' });
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO contracts.documents (contract_id, kind, object_key, sha256, size_bytes, content_type, retention_class)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
    [contractId, seed.kind, key, stored.sha256, stored.size, stored.contentType, stored.retentionClass],
  );
  return { id: rows[0]!.id, key, sha256: stored.sha256 };
}

export interface EventSeed {
  agreementId: string;
  seq: number;
  type: string;
  occurredAt: Date;
  email?: string;
  participantRole?: string;
  ipAddress?: string;
  authenticationMethod?: string;
  description?: string;
}

/** One entry of the audit trail (Adobe's agreement events), the actor's email kept as its SHA-256 only. */
export async function seedEvent(db: Db, contractId: string, e: EventSeed): Promise<void> {
  await db.query(
    `INSERT INTO contracts.agreement_events (agreement_id, seq, contract_id, type, occurred_at, actor_email_hash, participant_role,
                                             ip_address, authentication_method, description)
     VALUES ($1, $2, $3, $4, $5, CASE WHEN $6::text IS NULL THEN NULL ELSE encode(sha256(convert_to($6::text, 'UTF8')), 'hex') END, $7, $8, $9, $10)`,
    [
      e.agreementId,
      e.seq,
      contractId,
      e.type,
      e.occurredAt,
      e.email ?? null,
      e.participantRole ?? null,
      e.ipAddress ?? null,
      e.authenticationMethod ?? null,
      e.description ?? null,
    ],
  );
}
