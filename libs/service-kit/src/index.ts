export * from './command-service.providers';
