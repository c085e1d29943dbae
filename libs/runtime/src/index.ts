export * from './config';
export * from './health';
export * from './logger';
export * from './metrics';
export * from './request-context';
export * from './backoff';
export * from './cost-counters';
export * from './manage-token';
