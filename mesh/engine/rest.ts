import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import type { Db } from '../../shared/db';
import { EngineConflict, EngineInvalid, EngineNotFound, type EmbeddedEngine } from './engine';
import * as queries from './queries';

/**
 * The embedded engine behind the subset of Camunda 8.8's REST API (Orchestration Cluster API
 * v2) that the functions use through @camunda8/sdk — so the same adapter
 * (shared/workflow/camunda.ts) runs locally and in production. Errors are RFC 9457 problems
 * like Camunda's.
 */

const variables = z.record(z.string(), z.unknown());
const page = z.object({ from: z.number().int().min(0).optional(), limit: z.number().int().min(1).max(1000).optional() }).optional();
const search = z.object({ filter: z.record(z.string(), z.unknown()).optional(), page, sort: z.unknown().optional() });
const schemas = {
  createInstance: z.object({ processDefinitionId: z.string().min(1), variables: variables.default({}), tenantId: z.string().optional() }),
  publish: z.object({
    name: z.string().min(1),
    correlationKey: z.string().default(''),
    timeToLive: z.coerce.number().int().min(0).default(3_600_000),
    messageId: z.string().min(1).optional(),
    variables: variables.default({}),
    tenantId: z.string().optional(),
  }),
  assignment: z.object({ assignee: z.string().min(1), allowOverride: z.boolean().default(true), action: z.string().optional() }),
  completion: z.object({ variables: variables.default({}), action: z.string().optional() }),
  jobUpdate: z.object({ changeset: z.object({ retries: z.number().int().min(0).optional(), timeout: z.number().optional() }) }),
  clock: z.object({ timestamp: z.number().int().min(0) }),
  search,
};

class Problem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    detail: string,
  ) {
    super(detail);
  }
}

type Handler = (input: { params: string[]; body: unknown }) => Promise<{ status: number; body?: unknown }>;

function parse<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const result = schema.safeParse(body ?? {});
  if (!result.success) {
    throw new Problem(400, 'INVALID_ARGUMENT', result.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
  }
  return result.data;
}

function routes(engine: EmbeddedEngine, db: Db): [string, RegExp, Handler][] {
  const noContent = { status: 204 };
  return [
    [
      'GET',
      /^\/v2\/topology$/,
      () => Promise.resolve({ status: 200, body: { brokers: [], clusterSize: 1, partitionsCount: 1, replicationFactor: 1, gatewayVersion: '8.8.0-embedded' } }),
    ],
    [
      'POST',
      /^\/v2\/process-instances$/,
      async ({ body }) => {
        const req = parse(schemas.createInstance, body);
        const created = await engine.createInstance(req.processDefinitionId, req.variables);
        return {
          status: 200,
          body: {
            processDefinitionId: req.processDefinitionId,
            processDefinitionKey: created.processDefinitionKey,
            processDefinitionVersion: created.version,
            processInstanceKey: created.processInstanceKey,
            tenantId: '<default>',
          },
        };
      },
    ],
    [
      'POST',
      /^\/v2\/process-instances\/search$/,
      async ({ body }) => {
        const req = parse(search, body);
        return { status: 200, body: await queries.searchProcessInstances(db, req.filter, req.page) };
      },
    ],
    [
      'POST',
      /^\/v2\/messages\/publication$/,
      async ({ body }) => {
        const req = parse(schemas.publish, body);
        const published = await engine.publishMessage({
          name: req.name,
          correlationKey: req.correlationKey,
          variables: req.variables,
          timeToLiveMs: req.timeToLive,
          ...(req.messageId ? { messageId: req.messageId } : {}),
        });
        return { status: 200, body: { messageKey: published.messageKey, tenantId: '<default>' } };
      },
    ],
    [
      'POST',
      /^\/v2\/user-tasks\/search$/,
      async ({ body }) => {
        const req = parse(search, body);
        return { status: 200, body: await queries.searchUserTasks(db, req.filter, req.page) };
      },
    ],
    [
      'GET',
      /^\/v2\/user-tasks\/(\d+)$/,
      async ({ params }) => {
        const task = await queries.getUserTask(db, params[0]!);
        if (!task) throw new Problem(404, 'NOT_FOUND', `user task with key '${params[0]}' not found`);
        return { status: 200, body: task };
      },
    ],
    [
      'POST',
      /^\/v2\/user-tasks\/(\d+)\/variables\/search$/,
      async ({ params }) => {
        const result = await queries.userTaskVariables(db, params[0]!);
        if (!result) throw new Problem(404, 'NOT_FOUND', `user task with key '${params[0]}' not found`);
        return { status: 200, body: result };
      },
    ],
    [
      'POST',
      /^\/v2\/user-tasks\/(\d+)\/assignment$/,
      async ({ params, body }) => {
        const req = parse(schemas.assignment, body);
        await engine.assignUserTask(params[0]!, req.assignee, req.allowOverride);
        return noContent;
      },
    ],
    [
      'DELETE',
      /^\/v2\/user-tasks\/(\d+)\/assignee$/,
      async ({ params }) => {
        await engine.assignUserTask(params[0]!, null, true);
        return noContent;
      },
    ],
    [
      'POST',
      /^\/v2\/user-tasks\/(\d+)\/completion$/,
      async ({ params, body }) => {
        const req = parse(schemas.completion, body);
        await engine.completeUserTask(params[0]!, req.variables);
        return noContent;
      },
    ],
    [
      'POST',
      /^\/v2\/incidents\/search$/,
      async ({ body }) => {
        const req = parse(search, body);
        return { status: 200, body: await queries.searchIncidents(db, req.filter, req.page) };
      },
    ],
    [
      'POST',
      /^\/v2\/incidents\/(\d+)\/resolution$/,
      async ({ params }) => {
        await engine.resolveIncident(params[0]!);
        return noContent;
      },
    ],
    [
      'PATCH',
      /^\/v2\/jobs\/(\d+)$/,
      async ({ params, body }) => {
        const req = parse(schemas.jobUpdate, body);
        if (req.changeset.retries !== undefined) await engine.updateJobRetries(params[0]!, req.changeset.retries);
        return noContent;
      },
    ],
    [
      'POST',
      /^\/v2\/variables\/search$/,
      async ({ body }) => {
        const req = parse(search, body);
        return { status: 200, body: await queries.searchVariables(db, req.filter) };
      },
    ],
    [
      'PUT',
      /^\/v2\/clock$/,
      ({ body }) => {
        engine.clock.pin(parse(schemas.clock, body).timestamp);
        return Promise.resolve(noContent);
      },
    ],
    [
      'POST',
      /^\/v2\/clock\/reset$/,
      () => {
        engine.clock.reset();
        return Promise.resolve(noContent);
      },
    ],
  ];
}

function readBody(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('error', reject);
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      if (text.trim() === '') return resolve(undefined);
      try {
        resolve(JSON.parse(text));
      } catch {
        reject(new Problem(400, 'INVALID_ARGUMENT', 'the body is not valid JSON'));
      }
    });
  });
}

function send(res: ServerResponse, status: number, body?: unknown, type = 'application/json') {
  if (body === undefined) return res.writeHead(status).end();
  res.writeHead(status, { 'content-type': type }).end(JSON.stringify(body));
}

export function engineRequestHandler(engine: EmbeddedEngine, db: Db) {
  const table = routes(engine, db);
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '/').split('?')[0]!;
    try {
      const route = table.find(([method, pattern]) => method === req.method && pattern.test(path));
      if (!route) throw new Problem(404, 'NOT_FOUND', `${req.method} ${path} is not served by the embedded engine`);
      const params = route[1].exec(path)!.slice(1);
      const answer = await route[2]({ params, body: await readBody(req) });
      send(res, answer.status, answer.body);
    } catch (error) {
      const problem =
        error instanceof Problem
          ? error
          : error instanceof EngineNotFound
            ? new Problem(404, 'NOT_FOUND', error.message)
            : error instanceof EngineConflict
              ? new Problem(409, error.title, error.message)
              : error instanceof EngineInvalid
                ? new Problem(400, 'INVALID_ARGUMENT', error.message)
                : new Problem(500, 'INTERNAL', (error as Error).message);
      send(
        res,
        problem.status,
        { type: 'about:blank', title: problem.title, status: problem.status, detail: problem.message, instance: path },
        'application/problem+json',
      );
    }
  };
}

/** Serves the engine's REST API on its own port. */
export async function serveEngine(engine: EmbeddedEngine, db: Db, port: number): Promise<{ url: string; server: Server }> {
  const handler = engineRequestHandler(engine, db);
  const server = createServer((req, res) => void handler(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}
