export * from './commands';
export * from './rest';
export * from './signature';
