export * from './client';
export * from './git-source';
export * from './ide-contract';
export * from './ids';
export * from './json';
export * from './phase';
export * from './proto';
export * from './view';
