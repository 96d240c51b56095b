/** peering-crossval: reducer, trace generator and replay checker. */
export * from './reducer/index.js';
export * from './tracegen/index.js';
