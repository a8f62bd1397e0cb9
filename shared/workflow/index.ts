export * from './dispatch';
export * from './duration';
export * from './job';
export * from './worker';
export * from './worker-function';
export * from './workflows';
