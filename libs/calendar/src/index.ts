export * from './booking-calendar';
