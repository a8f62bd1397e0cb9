import { defineConfig } from 'vitest/config';

// `npm run test:integration`: on the real Postgres server (TEST_DATABASE_URL) and a real Kafka
// broker (KAFKA_BROKERS, started by scripts/kafka/kafka.sh): the slice end to end
// (test/integration), and every function and platform test that touches the database again,
// so the same SQL and migrations are proven on PGlite (npm test) and on Postgres.
export default defineConfig({
  test: {
    include: ['test/integration/**/*.test.ts', '{functions,shared}/**/*.test.ts', 'mesh/engine/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: 'forks',
  },
});
