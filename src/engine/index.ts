// The engine's functions, one namespace for library users (`import { engine } from 'allora-sim'`).
export * from './params.js';
export * from './weights.js';
export * from './synthesis.js';
export * from './loo.js';
export * from './listening.js';
export * from './rewards.js';
export * from './sortition.js';
export * from './fees.js';
export * from './tokenomics.js';
