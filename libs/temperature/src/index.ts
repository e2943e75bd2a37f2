export * from './temperature';
export * from './mkt';
export * from './profiles';
export * from './series';
export * from './readings-input';
export * from './extremes';
export * from './hours';
