// Side-effect module: every function's index.ts imports it first, so tracing starts
// before http, pg or kafkajs are loaded.
import { initTracing } from './tracing';

initTracing(process.env.K_SERVICE ?? 'ahs-function');
