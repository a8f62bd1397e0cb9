import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export interface FunctionProcess {
  name: string;
  port: number;
  url: string;
  /** Its last lines of output (at most 30): what to show when it does not come up. */
  recentLines(): string[];
  /** Kills the process at once, as a crash would, and holds it down until restart(). */
  crash(): Promise<void>;
  restart(): void;
  stop(): Promise<void>;
}

export interface SpawnOptions {
  name: string;
  port: number;
  bundle: string;
  env: Record<string, string>;
  log(name: string, line: string): void;
}

/** Every child still running: killed if the mesh process exits without stopping them. */
const running = new Set<ChildProcess>();
let exitHookInstalled = false;

function killOrphansOnExit() {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const child of running) child.kill('SIGKILL');
  });
}

/**
 * Runs one function bundle as its own process, as a Knative revision runs its container:
 * `node index.js` with PORT and K_SERVICE, listening on 127.0.0.1 only (LISTEN_HOST). A crash
 * is restarted after a pause, like a failed container; stop() sends SIGTERM and waits for the
 * drain. Each process is spawned with an IPC channel and EXIT_WITH_PARENT: the runtime
 * (shared/runtime/parent.ts) ends it when the channel closes, which the kernel does when this
 * process dies, however it dies (kill -9 and an out-of-memory kill included). The exit hook
 * above covers only the exits Node sees.
 */
export function spawnFunction(options: SpawnOptions): FunctionProcess {
  killOrphansOnExit();
  let child: ChildProcess | undefined;
  let stopping = false;
  let held = false;
  let restarts = 0;
  const recent: string[] = [];
  /** The automatic restart waiting after an unexpected exit: crash(), restart() and stop() cancel it. */
  let pendingRestart: NodeJS.Timeout | undefined;
  const cancelPendingRestart = () => {
    clearTimeout(pendingRestart);
    pendingRestart = undefined;
  };

  const start = () => {
    child = spawn(process.execPath, ['--enable-source-maps', path.resolve(options.bundle)], {
      env: { ...process.env, ...options.env, PORT: String(options.port), K_SERVICE: options.name, LISTEN_HOST: '127.0.0.1', EXIT_WITH_PARENT: 'true' },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    // The channel only tells the child that the mesh is alive: it must not keep the mesh alive.
    child.channel?.unref();
    const current = child;
    running.add(current);
    current.once('exit', () => running.delete(current));
    const forward = (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) {
        if (!line.trim()) continue;
        recent.push(line);
        if (recent.length > 30) recent.shift();
        options.log(options.name, line);
      }
    };
    child.stdout?.on('data', forward);
    child.stderr?.on('data', forward);
    child.once('exit', (code, signal) => {
      if (stopping || held) return;
      restarts += 1;
      const delay = Math.min(10_000, 250 * 2 ** Math.min(restarts - 1, 6));
      options.log(options.name, `exited (${signal ?? code}); restarting in ${delay} ms`);
      pendingRestart = setTimeout(() => {
        pendingRestart = undefined;
        if (!stopping && !held) start();
      }, delay);
      pendingRestart.unref();
    });
  };
  start();

  return {
    name: options.name,
    port: options.port,
    url: `http://127.0.0.1:${options.port}`,
    recentLines: () => [...recent],
    crash: () =>
      new Promise<void>((resolve) => {
        held = true;
        cancelPendingRestart();
        if (!child || child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      }),
    restart: () => {
      held = false;
      cancelPendingRestart();
      start();
    },
    stop: () =>
      new Promise<void>((resolve) => {
        stopping = true;
        cancelPendingRestart();
        if (!child || child.exitCode !== null || child.signalCode !== null) return resolve();
        const timer = setTimeout(() => child?.kill('SIGKILL'), 10_000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

/** Waits until the function answers its readiness probe, as Knative does before routing. */
export async function waitReady(url: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} not ready after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
