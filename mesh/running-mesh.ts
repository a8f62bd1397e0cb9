import pg from 'pg';
import { z } from 'zod';
import { parseConfig } from '../shared/config';
import { meshConfigSchema } from './config';

/**
 * The running local mesh, as the CLIs (token, publish, inbox, scenario) find it: from MESH_PORT,
 * the variable `npm start` reads, they ask the mesh's `GET /_mesh` where everything else runs
 * (OpenID issuer, workflow engine, embedded database). So one setting follows a mesh moved off
 * its default ports.
 */
export interface RunningMesh {
  url: string;
  issuer: string;
  audience: string;
  engineUrl: string;
  /** The embedded database's URL; absent when the mesh runs on the caller's DATABASE_URL. */
  embeddedDatabaseUrl?: string;
  /** The Adobe Sign sandbox (signing pages, control API); absent when the mesh uses a real account. */
  esignSandboxUrl?: string;
  /** The messaging sandbox (what each phone and mailbox received); absent with a real Twilio account. */
  messagingSandboxUrl?: string;
}

/** The mesh cannot be reached: the message says where it was looked for and what to do. */
export class MeshNotRunningError extends Error {
  constructor(readonly url: string) {
    super(`the mesh is not running on ${url}: start it with \`npm start\` (or, if it runs on another port, set MESH_PORT to the port it printed)`);
    this.name = 'MeshNotRunningError';
  }
}

const statusSchema = z.object({
  issuer: z.string().min(1),
  audience: z.string().min(1),
  engine: z.string().min(1),
  embeddedDatabaseUrl: z.string().min(1).optional(),
  esign: z.object({ sandbox: z.string().min(1).optional() }).optional(),
  messaging: z.object({ sandbox: z.string().min(1).optional() }).optional(),
});

/** Where the mesh's ingress listens: 127.0.0.1 on MESH_PORT (8080), as mesh/config.ts reads it. */
export function meshUrl(env: NodeJS.ProcessEnv = process.env): string {
  const { MESH_PORT } = parseConfig(meshConfigSchema.pick({ MESH_PORT: true }), env);
  return `http://127.0.0.1:${MESH_PORT}`;
}

/**
 * A request to the mesh (or a part of it) that names the mesh when nothing answers, instead of
 * fetch's bare `fetch failed`.
 */
export async function meshFetch(mesh: string, url: string, init?: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (error) {
    if (error instanceof TypeError) throw new MeshNotRunningError(mesh);
    throw error;
  }
}

export async function findRunningMesh(env: NodeJS.ProcessEnv = process.env): Promise<RunningMesh> {
  const url = meshUrl(env);
  const response = await meshFetch(url, `${url}/_mesh`, { signal: AbortSignal.timeout(5000) });
  const status = statusSchema.safeParse(response.ok ? await response.json() : undefined);
  if (!status.success) {
    throw new Error(
      `${url}/_mesh answered ${response.status} without what the CLIs need: a mesh started before this version (restart it) or another program on MESH_PORT`,
    );
  }
  const { issuer, audience, engine, embeddedDatabaseUrl, esign, messaging } = status.data;
  return {
    url,
    issuer,
    audience,
    engineUrl: engine,
    ...(embeddedDatabaseUrl ? { embeddedDatabaseUrl } : {}),
    ...(esign?.sandbox ? { esignSandboxUrl: esign.sandbox } : {}),
    ...(messaging?.sandbox ? { messagingSandboxUrl: messaging.sandbox } : {}),
  };
}

/**
 * A connection to the running mesh's database (its embedded one, or the DATABASE_URL it was
 * started with: the same variable must be set here), for `work`, closed after.
 */
export async function withMeshDatabase<T>(mesh: RunningMesh, work: (db: pg.Client) => Promise<T>): Promise<T> {
  const url = mesh.embeddedDatabaseUrl ?? process.env.DATABASE_URL;
  if (!url) throw new Error(`the mesh on ${mesh.url} runs on its DATABASE_URL: set the same DATABASE_URL here`);
  const client = new pg.Client({ connectionString: url });
  await client.connect().catch((error: unknown) => {
    throw new Error(`cannot reach the mesh's database (${error instanceof Error ? error.message : String(error)})`);
  });
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Runs a CLI: a failure prints its message alone (no stack) and exits 1. */
export function runCli(main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  });
}
