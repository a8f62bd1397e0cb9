export { ConfigError, env, parseConfig } from './config';
