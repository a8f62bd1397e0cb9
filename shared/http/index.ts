export { makeHttpFunction, type HttpFunctionOptions } from './http-function';
export { idempotently } from './idempotency';
export { route, type RouteContext, type WriteContext } from './route';
