import { ConfigError } from '../config';
import type { Logger } from '../logging';

/**
 * Ends the process when the process that spawned it is gone, however it went (kill -9 and an
 * out-of-memory kill included): the local mesh spawns every function with an IPC channel
 * (EXIT_WITH_PARENT=true), and the kernel closes that channel when the mesh dies, which Node
 * reports as `disconnect`. Without it an orphaned function keeps its port, and the next
 * `npm start` would route to it. Never set in production: Knative ends containers itself.
 */
export function exitWithParent(logger: Logger, proc: NodeJS.Process = process): void {
  const channel = proc.channel;
  if (!channel) {
    throw new ConfigError(['EXIT_WITH_PARENT is set but the process has no IPC channel to a parent (spawn it with stdio "ipc")']);
  }
  const leave = () => {
    logger.warn('the mesh that started this function is gone: exiting');
    proc.exit(0);
  };
  if (!proc.connected) return leave();
  proc.once('disconnect', leave);
  // The channel only watches: it does not keep an otherwise finished process alive.
  channel.unref();
}
