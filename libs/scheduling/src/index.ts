export * from './free-slots';
export * from './slot-format';
export * from './slot-grid';
export * from './time-units';
export * from './weekly-schedule';
export * from './occupied-time';
