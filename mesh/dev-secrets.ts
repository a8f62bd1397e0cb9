import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Secrets the functions need and Vault would give them in production (DESIGN §4: locally,
 * secrets come from the environment or a local file). Made once at random and kept in the
 * mesh's data folder, so links and tokens stay valid across restarts; `memory` data keeps
 * them for one run only. A value set in the environment wins.
 */
const NAMES = ['TV_ANSWER_LINK_SECRET', 'CUSTOMER_LINK_SECRET'] as const;

export function devSecrets(dataDir: string | undefined, env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const file = dataDir && path.join(dataDir, 'dev-secrets.json');
  let stored: Record<string, string> = {};
  if (file && existsSync(file)) stored = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
  let changed = false;
  for (const name of NAMES) {
    if (!stored[name]) {
      stored[name] = randomBytes(32).toString('base64url');
      changed = true;
    }
  }
  if (file && changed) {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(stored, null, 2), { mode: 0o600 });
  }
  return Object.fromEntries(NAMES.map((name) => [name, env[name] ?? stored[name]!]));
}
