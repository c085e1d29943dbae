export * from './commands';
export * from './rest';
