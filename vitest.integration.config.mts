import { defineConfig } from 'vitest/config';

// `npm run test:integration`: the slice on a real Kafka broker (KAFKA_BROKERS, started by
// scripts/kafka/kafka.sh) and the real Postgres server (TEST_DATABASE_URL).
export default defineConfig({
  test: {
    include: ['test/integration/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
