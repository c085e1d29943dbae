export * from './commands';
export * from './events';
export * from './rest';
export * from './schedules';
export * from './host-terms';
export * from './booking-fields';
