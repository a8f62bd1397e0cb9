export { baseConfigSchema, boot } from './boot';
export { serve, type RequestHandler, type ServeOptions } from './serve';
export { answeredHealthCheck } from './health';
