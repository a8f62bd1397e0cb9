import { z } from 'zod';
import { ConfigError, parseConfig } from '../shared/config';
import { migrate } from '../shared/db/migrate';

/**
 * `npm run db:migrate [-- down]`: applies the SQL migrations to DATABASE_URL, as the deploy
 * pipeline's migration job does before new function revisions roll out.
 */
async function main() {
  const { DATABASE_URL } = parseConfig(z.object({ DATABASE_URL: z.string().min(1) }));
  const direction = process.argv[2] === 'down' ? 'down' : 'up';
  const applied = await migrate({ databaseUrl: DATABASE_URL, direction, log: (m) => console.log(m) });
  console.log(applied.length > 0 ? `${direction}: ${applied.join(', ')}` : 'database is up to date');
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
