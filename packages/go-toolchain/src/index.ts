export * from './cache-dir';
export * from './errors';
export * from './executable';
export * from './find-go';
export * from './go-tools';
export * from './go-version';
export * from './pins';
export * from './toolchain';
