/**
 * `@slotbook/booking/storage`: how booking stores a booking's time, for code outside the
 * service that writes or checks booking storage directly (the platform benchmark's seeding,
 * e2e specs that look at held keys). Pure modules only, no Nest decorators: the benchmark runs
 * under tsx, which does not emit decorator metadata.
 */
export { hostMonth } from './bookings/booking-rules';
export { headId, holdDocuments } from './bookings/hold-documents';
export { CELL_MS, occupiedKeys } from './bookings/occupied-cells';
