export * from './lifecycle/phase';
