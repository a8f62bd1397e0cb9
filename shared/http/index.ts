export { toHttpError } from './errors';
export { makeHttpFunction, type HttpFunctionOptions } from './http-function';
export { idempotently, type IdempotentRequest, type Replayable } from './idempotency';
export { created, idempotencyKeyOf, matchPath, ok, replayed, route, type HttpResult, type Route, type RouteContext } from './route';
