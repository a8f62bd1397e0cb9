export * from './errors';
export { issuesFromZod } from './zod-issues';
