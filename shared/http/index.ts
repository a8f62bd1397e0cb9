export { toHttpError } from './errors';
export { makeHttpFunction, type HttpFunctionOptions } from './http-function';
export { idempotently, replayHeaders, type IdempotentRequest, type Replayable, type StoredAnswer } from './idempotency';
export { matchPath, route, type Access, type Route, type RouteContext, type WriteContext } from './route';
