import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect } from 'vitest';
import { contractDocumentsFunction } from '../../functions/contract-documents/function';
import type { Db } from '../../shared/db';
import type { ESignature } from '../../shared/esign';
import { useAdobeSignWorld, type AdobeSignWorld } from '../../shared/esign/testing-adapter';
import { makeLocalObjectStore, type ObjectStore } from '../../shared/object-storage';
import type { Job } from '../../shared/workflow';
import { startFunction } from './function-server';
import { memoryLogger } from './logger';
import { job, postJob, useOrderSeller } from './tv';

/**
 * What the contract workers' tests share: orders sold through the real order-intake, a local
 * object store in a temporary directory, the Adobe Sign adapter against a FakeAdobeSign started
 * afresh for each test (`world.fake`), and contract-documents served, to draft contracts as the
 * workflow does.
 */
export interface ContractsWorld {
  world: AdobeSignWorld;
  store: ObjectStore;
  /** Always the current test's adapter (the fake restarts per test). */
  esign: ESignature;
  documentsUrl: string;
  sell: Awaited<ReturnType<typeof useOrderSeller>>;
  /** Drafts the contract of an order as the workflow's first task does; returns its id. */
  draft(orderId: string, over?: Partial<Job>): Promise<{ contractId: string; variables: Record<string, unknown> }>;
}

export const contractJob = (type: string, variables: Record<string, unknown>, over: Partial<Job> = {}) =>
  job(type, variables, { bpmnProcessId: 'service-order-contract', ...over });

export async function useContractsWorld(db: Db): Promise<ContractsWorld> {
  const world = useAdobeSignWorld();
  const dir = mkdtempSync(path.join(tmpdir(), 'ahs-contracts-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const store = makeLocalObjectStore({ root: dir });
  const esign = new Proxy({} as ESignature, {
    get(_target, name) {
      const value = (world.esign as unknown as Record<string | symbol, unknown>)[name];
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(world.esign) : value;
    },
  });
  const sell = await useOrderSeller(db);
  const documentsUrl = await startFunction('contract-documents', contractDocumentsFunction({ db, logger: memoryLogger(), esign, store }));
  return {
    world,
    store,
    esign,
    documentsUrl,
    sell,
    async draft(orderId, over = {}) {
      const answer = await postJob(documentsUrl, contractJob('contract-draft', { orderId }, over));
      expect(answer.status).toBe(200);
      const variables = (answer.body as { variables: Record<string, unknown> }).variables;
      return { contractId: String(variables.contractId), variables };
    },
  };
}
