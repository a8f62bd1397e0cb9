import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { jobWorkers } from '../bpmn/contract';
import { catalog } from '../events';
import { loadServices, loadSubscriptions } from './manifests';
import { listFunctionFolders, repoRoot } from './repo';

/**
 * The rendered manifests against the rest of the repository: the real functions/ folders and
 * the events/ catalog. These fail when a function folder is added or removed without its
 * entries in knative/functions.yaml and knative/scaling.yaml (and a fresh render).
 */
const services = loadServices();
const subscriptions = loadSubscriptions();
const serviceNames = services.map((s) => s.name).sort();

describe('knative manifests against the repository', () => {
  it('when functions/ is listed, then every folder has exactly one Service and every Service a folder', () => {
    expect(serviceNames).toEqual(listFunctionFolders());
    expect(new Set(serviceNames).size).toBe(serviceNames.length);
  });

  it('when subscriptions are read, then every topic is in the events/ catalog', () => {
    const topics = new Set(catalog.map((e) => e.topic));
    for (const s of subscriptions) {
      expect(
        s.topics.filter((t) => !topics.has(t)),
        `${s.name} subscribes to unknown topics`,
      ).toEqual([]);
    }
  });

  it('when subscriptions are read, then every sink and dead letter sink is an existing event-function Service', () => {
    const eventServices = services.filter((s) => s.kind === 'event').map((s) => s.name);
    for (const s of subscriptions) {
      expect(eventServices, `${s.name} sink`).toContain(s.service);
      expect(eventServices, `${s.name} dead letter sink`).toContain(s.delivery.deadLetterService);
    }
  });

  it('when a Service is read, then DB_POOL_MAX is set and equals its containerConcurrency', () => {
    for (const s of services) {
      expect(s.containerConcurrency, s.name).toBeGreaterThan(0);
      expect(s.values.DB_POOL_MAX, s.name).toBe(String(s.containerConcurrency));
    }
  });

  it('when a Service is read, then it has the environment its kind needs', () => {
    // The database and OIDC settings are checked below, for the functions that use them.
    for (const s of services) expect(s.env, s.name).toEqual(expect.arrayContaining(['LOG_LEVEL']));
    expect(services.find((s) => s.name === 'outbox-relay')?.env).toEqual(expect.arrayContaining(['KAFKA_BROKERS', 'KAFKA_CLIENT_ID']));
  });

  it('when a function opens a database pool, then its Service carries the database settings', () => {
    for (const s of services) {
      const index = path.join(repoRoot(), 'functions', s.name, 'index.ts');
      if (!existsSync(index) || !/poolFromConfig|databaseConfigSchema/.test(readFileSync(index, 'utf8'))) continue;
      expect(s.env, s.name).toEqual(expect.arrayContaining(['DATABASE_URL', 'DB_POOL_MAX']));
    }
  });

  it('when a function builds an authenticator from env, then its Service carries the OIDC settings', () => {
    for (const s of services) {
      const index = path.join(repoRoot(), 'functions', s.name, 'index.ts');
      if (!existsSync(index) || !/authenticatorFromEnv|authConfigSchema/.test(readFileSync(index, 'utf8'))) continue;
      expect(s.env, s.name).toEqual(expect.arrayContaining(['OIDC_ISSUER', 'OIDC_AUDIENCE', 'AUTH_CLAIM_MAPPING']));
    }
  });

  it('when bpmn/contract.ts is read, then every worker it names is a worker Service, and every worker Service is in it', () => {
    const contractWorkers = [...new Set(Object.values(jobWorkers))].sort();
    expect(
      services
        .filter((s) => s.kind === 'worker')
        .map((s) => s.name)
        .sort(),
    ).toEqual(contractWorkers);
  });

  it('when a worker Service is read, then it is cluster-local: only the job bridge calls it', () => {
    for (const s of services.filter((x) => x.kind === 'worker')) {
      const text = readFileSync(path.join(repoRoot(), 'knative', 'services', `${s.name}.yaml`), 'utf8');
      expect(text, s.name).toContain('networking.knative.dev/visibility: cluster-local');
    }
  });

  it('when outbox-relay is read, then it runs exactly one always-on instance', () => {
    expect(services.find((s) => s.name === 'outbox-relay')).toMatchObject({ kind: 'daemon', minScale: 1, maxScale: 1 });
  });
});
