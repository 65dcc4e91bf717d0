export * from './ide-settings';
export * from './port';
export * from './start-ide';
export * from './process-stat';
export * from './sandbox';
export * from './ide-identity';
export * from './seed-workspace';
