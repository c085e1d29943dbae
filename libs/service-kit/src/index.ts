export * from './boot-service';
export * from './command-service.providers';
export * from './service-lifecycle';
export * from './tokens';
