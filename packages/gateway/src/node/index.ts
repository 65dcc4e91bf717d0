export * from './auth/auth-store';
export * from './auth/passwords';
export * from './auth/users';
export * from './directory';
export * from './gateway';
export * from './hosts';
export * from './metrics';
