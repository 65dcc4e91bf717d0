export * from './lifecycle/phase';
export * from './model';
export * from './store/sqlite-store';
