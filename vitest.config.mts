import { defineConfig } from 'vitest/config';

// `npm test`: unit, function and end-to-end tests on embedded defaults (PGlite, the
// mesh's in-process bus, the dev OpenID provider): nothing but Node needed.
export default defineConfig({
  test: {
    include: ['{functions,shared,events,bpmn,knative,terraform,mesh,test}/**/*.test.ts'],
    exclude: ['**/node_modules/**', 'test/integration/**', 'dist/**'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Two files at a time even on a 2-core machine: most tests wait on I/O (database, HTTP,
    // the e2e meshes), so CI runs npm test in about two thirds of the time of one at a time.
    maxWorkers: 2,
  },
});
