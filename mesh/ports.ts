import http from 'node:http';
import net from 'node:net';

/** A port the mesh is about to listen on, and the variable that chooses it. */
export interface PlannedPort {
  port: number;
  variable: string;
  what: string;
}

/** Raised before anything starts when ports the mesh needs are taken: the message says what to do. */
export class PortsTakenError extends Error {
  constructor(
    readonly taken: PlannedPort[],
    readonly functionCount: number,
    readonly runningMesh?: string,
  ) {
    super(explain(taken, functionCount, runningMesh));
    this.name = 'PortsTakenError';
  }
}

/**
 * Every port a start will listen on (all on 127.0.0.1), each with the variable that moves it:
 * the parts the environment replaces (DATABASE_URL, OIDC_ISSUER, ZEEBE_REST_ADDRESS) take none.
 */
export function plannedPorts(
  config: { MESH_PORT: number; MESH_FUNCTION_BASE_PORT: number; MESH_DB_PORT: number; MESH_OIDC_PORT: number; MESH_ENGINE_PORT: number },
  parts: { database: boolean; oidc: boolean; engine: boolean; functions: readonly string[] },
): PlannedPort[] {
  return [
    { port: config.MESH_PORT, variable: 'MESH_PORT', what: 'ingress' },
    ...(parts.database ? [{ port: config.MESH_DB_PORT, variable: 'MESH_DB_PORT', what: 'embedded Postgres' }] : []),
    ...(parts.oidc ? [{ port: config.MESH_OIDC_PORT, variable: 'MESH_OIDC_PORT', what: 'dev OpenID provider' }] : []),
    ...(parts.engine ? [{ port: config.MESH_ENGINE_PORT, variable: 'MESH_ENGINE_PORT', what: 'embedded workflow engine' }] : []),
    ...parts.functions.map((name, i) => ({
      port: config.MESH_FUNCTION_BASE_PORT + i,
      variable: `MESH_FUNCTION_BASE_PORT+${i}`,
      what: `function ${name}`,
    })),
  ];
}

/**
 * The planned ports the mesh cannot have: held by another process (tried by listening on
 * 127.0.0.1, where the mesh listens), or given to two of its own parts at once.
 */
export async function takenPorts(planned: readonly PlannedPort[]): Promise<PlannedPort[]> {
  const seen = new Map<number, PlannedPort>();
  const clashes: PlannedPort[] = [];
  for (const p of planned) {
    const first = seen.get(p.port);
    if (first) clashes.push({ ...p, what: `${p.what}, also given to ${first.what} (${first.variable})` });
    else seen.set(p.port, p);
  }
  const held = await Promise.all([...seen.values()].map(async (p) => ((await isFree(p.port)) ? undefined : p)));
  return [...held.filter((p): p is PlannedPort => p !== undefined), ...clashes].sort((a, b) => a.port - b.port);
}

/** Refuses the start, naming every taken port, before anything listens. */
export async function assertPortsFree(planned: readonly PlannedPort[], functionCount: number): Promise<void> {
  const taken = await takenPorts(planned);
  if (taken.length === 0) return;
  const ingress = taken.find((p) => p.variable === 'MESH_PORT');
  throw new PortsTakenError(taken, functionCount, ingress && (await meshAnswersOn(ingress.port)));
}

/** The URL of a mesh already answering on the port (its GET /_mesh), if one does. */
function meshAnswersOn(port: number): Promise<string | undefined> {
  const url = `http://127.0.0.1:${port}`;
  return new Promise((resolve) => {
    // No keep-alive agent and a hard timeout: whatever holds the port, the probe leaves no socket open.
    const request = http.get(`${url}/_mesh`, { agent: false, timeout: 1000 }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => {
        try {
          resolve(Array.isArray((JSON.parse(body) as { functions?: unknown }).functions) ? url : undefined);
        } catch {
          resolve(undefined);
        }
      });
    });
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve(undefined));
  });
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => resolve(true)));
  });
}

function explain(taken: readonly PlannedPort[], functionCount: number, runningMesh: string | undefined): string {
  const rows = taken.map((p) => `  ${String(p.port).padEnd(6)} ${p.variable.padEnd(26)} ${p.what}`);
  const first = taken[0]?.port ?? 8080;
  return [
    `the mesh cannot start: ${taken.length === 1 ? 'this port is' : 'these ports are'} taken on 127.0.0.1`,
    ...rows,
    ...(runningMesh ? [`A mesh is already running on ${runningMesh} (GET ${runningMesh}/_mesh): use it, or stop it (Ctrl-C in its terminal).`] : []),
    'Either set the variable named to a free port (MESH_FUNCTION_BASE_PORT is the first of',
    `${functionCount} consecutive ports, one per function), or stop what holds the port:`,
    `  ss -ltnp 'sport = :${first}'   (or: lsof -nP -iTCP:${first} -sTCP:LISTEN) shows its process;`,
    '  pgrep -af dist/functions lists function processes left by an earlier mesh.',
  ].join('\n');
}
