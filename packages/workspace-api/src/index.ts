export * from './client';
export * from './ide-contract';
export * from './ids';
export * from './json';
export * from './phase';
export * from './proto';
export * from './view';
