/**
 * Stands in for zod's `locales` index inside function bundles (see esbuild.config.mjs): the
 * functions answer in English, and the other ~40 locales only cost cold-start parse time.
 */
export { default as en } from 'zod/v4/locales/en.js';
