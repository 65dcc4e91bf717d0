export * from './classes';
export * from './lifecycle/phase';
export * from './model';
export * from './providers/local-provider';
export * from './providers/provider';
export * from './reconciler';
export * from './store/sqlite-store';
