export * from './calendar';
export * from './commands';
export * from './events';
export * from './rest';
