import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { Server } from 'node:http';
import path from 'node:path';
import { jobWorkers, type TaskType } from '../bpmn/contract';
import { loadModels } from '../bpmn/models';
import { catalog } from '../events';
import { loadServices, loadSubscriptions } from '../knative/manifests';
import { createPool } from '../shared/db';
import { migrate } from '../shared/db/migrate';
import { createLogger } from '../shared/logging';
import { seed } from '../shared/db/seed/seed';
import type { Bus } from './bus/bus';
import { makeInMemoryBus } from './bus/in-memory-bus';
import { makeKafkaBus } from './bus/kafka-bus';
import { ensureWebhook } from './adobe-sign/client';
import type { AdobeSignSandbox } from './adobe-sign/server';
import type { MessagingSandbox } from './messaging';
import { startSandboxes } from './sandboxes';
import type { MeshConfig } from './config';
import { startDispatcher } from './dispatcher';
import { devSecrets } from './dev-secrets';
import { EmbeddedEngine } from './engine/engine';
import { migrateEngine } from './engine/migrate';
import { serveEngine } from './engine/rest';
import { startEmbeddedPostgres } from './embedded-postgres';
import { startIngress } from './ingress';
import { startDevOidcProvider } from './oidc/dev-provider';
import { assertPortsFree, plannedPorts } from './ports';
import { spawnFunction, waitReady, type FunctionProcess } from './processes';

export interface Mesh {
  url: string;
  databaseUrl: string;
  issuer: string;
  functions: FunctionProcess[];
  bus: Bus;
  /** The workflow engine's REST API (Camunda 8's, or the embedded engine's). */
  engineUrl: string;
  /** The embedded engine, when no Camunda is configured. */
  engine?: EmbeddedEngine;
  /** The Adobe Acrobat Sign sandbox, when no real account is configured (ADOBE_SIGN_API_HOST). */
  esignSandbox?: AdobeSignSandbox;
  /** The Twilio and SendGrid sandbox, when no real account is configured (TWILIO_ACCOUNT_SID). */
  messagingSandbox?: MessagingSandbox;
  stop(): Promise<void>;
}

const ROOT = path.join(__dirname, '..');

/**
 * Starts the whole mesh on one machine: Postgres (or PGlite), the OpenID provider (or the
 * dev one), the bus (or Kafka), every function bundle as its own process, the dispatcher
 * driven by knative/ KafkaSources, and the ingress. Bundles must be built (npm run build).
 */
export async function startMesh(config: MeshConfig, log: (source: string, line: string) => void): Promise<Mesh> {
  const stops: (() => Promise<void>)[] = [];
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      for (const s of stops.reverse()) await s().catch((e: unknown) => log('mesh', `stop failed: ${String(e)}`));
    })());
  // Every port is checked before anything starts: a port held by another process (such as a
  // function left by a mesh killed before functions exited with it) refuses the start, named.
  const embeddedEngine = !config.ZEEBE_REST_ADDRESS;
  const embeddedESign = !config.ADOBE_SIGN_API_HOST;
  const services = loadServices(ROOT).filter((s) => !(embeddedEngine && s.name === 'job-bridge'));
  await assertPortsFree(
    [
      ...plannedPorts(config, { database: !config.DATABASE_URL, oidc: !config.OIDC_ISSUER, engine: embeddedEngine, functions: services.map((s) => s.name) }),
      ...(embeddedESign && config.MESH_ESIGN_PORT ? [{ port: config.MESH_ESIGN_PORT, variable: 'MESH_ESIGN_PORT', what: 'Adobe Sign sandbox' }] : []),
      ...(!config.TWILIO_ACCOUNT_SID && config.MESH_MESSAGING_PORT
        ? [{ port: config.MESH_MESSAGING_PORT, variable: 'MESH_MESSAGING_PORT', what: 'messaging sandbox' }]
        : []),
    ],
    services.length,
  );
  try {
    let databaseUrl = config.DATABASE_URL;
    if (!databaseUrl) {
      const dataDir = config.MESH_DATA_DIR === 'memory' ? undefined : path.resolve(ROOT, config.MESH_DATA_DIR);
      const pg = await startEmbeddedPostgres({ port: config.MESH_DB_PORT, dataDir });
      stops.push(() => pg.close());
      databaseUrl = pg.url;
    }
    const applied = [...(await migrate({ databaseUrl })), ...(config.ZEEBE_REST_ADDRESS ? [] : await migrateEngine(databaseUrl))];
    if (applied.length > 0) log('mesh', `migrations applied: ${applied.join(', ')}`);
    if (config.MESH_SEED) await seed(databaseUrl);

    let issuer = config.OIDC_ISSUER;
    if (!issuer) {
      const oidc = await startDevOidcProvider({ port: config.MESH_OIDC_PORT, audience: config.OIDC_AUDIENCE });
      stops.push(() => oidc.close());
      issuer = oidc.issuer;
    }

    const dataRoot = config.MESH_DATA_DIR === 'memory' ? undefined : path.resolve(ROOT, config.MESH_DATA_DIR, '..');
    const { esignSandbox, messagingSandbox, env: sandboxEnv } = await startSandboxes(config, dataRoot, stops, log);

    // Contract documents (shared/object-storage): a directory beside the database, or S3 when
    // OBJECT_STORE_BUCKET is set where `npm start` runs (with OBJECT_STORE_ENDPOINT for a local
    // S3-compatible server); MESH_DATA_DIR=memory keeps them in a temporary directory.
    let objectsDir: string | undefined;
    if (!process.env.OBJECT_STORE_BUCKET) {
      const temporary = dataRoot ? undefined : mkdtempSync(path.join(tmpdir(), 'ahs-mesh-objects-'));
      if (temporary) stops.push(() => Promise.resolve(rmSync(temporary, { recursive: true, force: true })));
      objectsDir = process.env.OBJECT_STORE_DIR ?? temporary ?? path.join(dataRoot ?? ROOT, 'objects');
    }

    const bus = config.KAFKA_BROKERS ? makeKafkaBus({ brokers: config.KAFKA_BROKERS }) : makeInMemoryBus({ onError: (e) => log('bus', String(e)) });
    stops.push(() => bus.close());
    await bus.ensureTopics(catalog.map((e) => e.topic));

    // The ingress (and so the bus endpoint) listens before any function starts, so the
    // outbox relay's first publish finds it. With the embedded engine, the job bridge has no
    // Zeebe to poll: the engine dispatches jobs to the workers itself, through the same contract.
    const engineUrl = config.ZEEBE_REST_ADDRESS ?? `http://127.0.0.1:${config.MESH_ENGINE_PORT}`;
    const secrets = devSecrets(dataRoot);
    const port = (i: number) => config.MESH_FUNCTION_BASE_PORT + i;
    const routes = new Map(services.map((service, i) => [service.name, `http://127.0.0.1:${port(i)}`]));
    const functions: FunctionProcess[] = [];
    const ingress: Server = await startIngress({
      port: config.MESH_PORT,
      bus,
      topics: new Set(catalog.map((e) => e.topic)),
      routes,
      status: () => ({
        ingress: `http://127.0.0.1:${config.MESH_PORT}`,
        database: config.DATABASE_URL ? 'DATABASE_URL' : `embedded PGlite (${config.MESH_DATA_DIR})`,
        bus: bus.kind,
        issuer,
        audience: config.OIDC_AUDIENCE,
        engine: engineUrl,
        // The sandbox's signing pages and control API (the inbox reads its mail there).
        esign: esignSandbox ? { sandbox: esignSandbox.url } : { account: 'ADOBE_SIGN_API_HOST' },
        // The phones' and mailboxes' view (npm run inbox reads it there).
        messaging: messagingSandbox ? { sandbox: messagingSandbox.url } : { account: 'TWILIO_ACCOUNT_SID' },
        // What the CLIs (mesh/running-mesh.ts) connect to; only the embedded database's (dev
        // credentials): a DATABASE_URL is the caller's own and is never shown.
        ...(config.DATABASE_URL ? {} : { embeddedDatabaseUrl: databaseUrl }),
        functions: functions.map((f) => ({ name: f.name, url: `http://127.0.0.1:${config.MESH_PORT}/${f.name}`, port: f.port })),
      }),
    });
    stops.push(
      () =>
        new Promise<void>((r) => {
          ingress.close(() => r());
          ingress.closeAllConnections();
        }),
    );

    services.forEach((service, i) => {
      const bundle = path.join(ROOT, 'dist', 'functions', service.name, 'index.js');
      if (!existsSync(bundle)) throw new Error(`${bundle} is missing: run npm run build`);
      functions.push(
        spawnFunction({
          name: service.name,
          port: port(i),
          bundle,
          log,
          env: {
            ...withOverrides(service.values, process.env),
            DATABASE_URL: databaseUrl,
            OIDC_ISSUER: issuer,
            OIDC_AUDIENCE: config.OIDC_AUDIENCE,
            OIDC_ALLOW_INSECURE: String(config.OIDC_ALLOW_INSECURE || !config.OIDC_ISSUER),
            LOG_LEVEL: config.LOG_LEVEL,
            ZEEBE_REST_ADDRESS: engineUrl,
            ...(embeddedEngine ? { CAMUNDA_AUTH_STRATEGY: 'NONE' } : {}),
            ...secrets,
            ...sandboxEnv,
            ...(objectsDir ? { OBJECT_STORE_DIR: objectsDir } : {}),
            // The customer's TV answer link opens tv-customer-answers through the ingress.
            TV_ANSWER_LINK_BASE_URL: `http://127.0.0.1:${config.MESH_PORT}/tv-customer-answers/answers`,
            // The customer's Work Closing Form link opens wcf's answer page through the ingress.
            CUSTOMER_LINK_BASE_URL: `http://127.0.0.1:${config.MESH_PORT}/wcf/answers`,
            // The claim link sent when an order closes opens the claims function's page.
            CLAIM_LINK_BASE_URL: `http://127.0.0.1:${config.MESH_PORT}/claims/link`,
            // The satisfaction survey link sent when an order closes opens customer-surveys.
            SURVEY_LINK_BASE_URL: `http://127.0.0.1:${config.MESH_PORT}/customer-surveys`,
            ...(config.KAFKA_BROKERS ? { KAFKA_BROKERS: config.KAFKA_BROKERS.join(',') } : { EVENT_BUS_URL: `http://127.0.0.1:${config.MESH_PORT}/_bus` }),
          },
        }),
      );
    });
    stops.push(() => Promise.all(functions.map((f) => f.stop())).then(() => undefined));
    await Promise.all(
      functions.map((f) =>
        waitReady(f.url).catch((error: unknown) => {
          throw new Error(`${f.name} (port ${f.port}): ${(error as Error).message}; its last output:\n${f.recentLines().join('\n') || '(none)'}`);
        }),
      ),
    );

    // Adobe verifies the webhook (GET with X-AdobeSign-ClientId, echoed) when it is registered:
    // esign-webhooks must be up, reached through the ingress as Adobe reaches its public URL.
    if (esignSandbox && routes.has('esign-webhooks')) {
      const webhookUrl = `http://127.0.0.1:${config.MESH_PORT}/esign-webhooks/`;
      await ensureWebhook(esignSandbox.url, esignSandbox.credentials, webhookUrl).then(
        (id) => log('adobe-sign', `webhook ${id} delivers to ${webhookUrl}`),
        (error: unknown) => log('adobe-sign', `webhook not registered, no notifications will be sent: ${(error as Error).message}`),
      );
    }

    let engine: EmbeddedEngine | undefined;
    if (embeddedEngine) {
      const engineDb = createPool({ connectionString: databaseUrl, max: 4 });
      stops.push(() => engineDb.end());
      const engineLogger = createLogger({ level: config.LOG_LEVEL, base: { service: 'engine' }, write: (line) => log('engine', line) });
      engine = await EmbeddedEngine.start({
        db: engineDb,
        models: loadModels(),
        workerUrl: (type) => routes.get(jobWorkers[type as TaskType]),
        logger: engineLogger,
        tickMs: config.MESH_ENGINE_TICK_MS,
      });
      const running = engine;
      stops.push(() => running.stop());
      const rest = await serveEngine(engine, engineDb, config.MESH_ENGINE_PORT);
      stops.push(
        () =>
          new Promise<void>((r) => {
            rest.server.close(() => r());
            rest.server.closeAllConnections();
          }),
      );
    }

    const dispatcher = await startDispatcher({
      bus,
      subscriptions: loadSubscriptions(ROOT),
      serviceUrl: (name) => routes.get(name) ?? `http://unknown-service/${name}`,
      log: (line) => log('dispatcher', line),
      backoffScale: config.MESH_BACKOFF_SCALE,
    });
    stops.push(() => Promise.resolve(dispatcher.stop()));

    return {
      url: `http://127.0.0.1:${config.MESH_PORT}`,
      databaseUrl,
      issuer,
      functions,
      bus,
      engineUrl,
      ...(engine ? { engine } : {}),
      ...(esignSandbox ? { esignSandbox } : {}),
      ...(messagingSandbox ? { messagingSandbox } : {}),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * A function's literal settings from knative/functions.yaml, each overridden by the variable of
 * the same name in the environment `npm start` runs in: the manifest gives the defaults, and
 * `TV_SLA_DURATION=PT2M npm start` walks a flow with its timers shortened.
 */
export function withOverrides(values: Readonly<Record<string, string>>, env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(values).map(([name, value]) => [name, env[name] || value]));
}
