export { toHttpError } from './errors';
export { makeHttpFunction, type HttpFunctionOptions } from './http-function';
export { created, matchPath, ok, route, type HttpResult, type Route, type RouteContext } from './route';
