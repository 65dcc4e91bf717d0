export * from './json-log';
export * from './open-database';
