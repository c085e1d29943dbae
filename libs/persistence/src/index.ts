export * from './keyset-page';
export * from './insert-unordered';
export * from './mongo-errors';
export * from './mongo-readiness';
export * from './outbox';
export * from './record-changes';
export * from './due-buckets';
export * from './stored-json';
