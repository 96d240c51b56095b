/**
 * The reducer properties over 1000 generated traces each (or PROPERTY_RUNS,
 * when larger); npm test runs 200.
 */
import { describe } from 'node:test';
import { reducerProperties } from '../reducer/reducer-properties.js';

describe('reducer properties (long)', () => {
  reducerProperties(Math.max(1000, Number(process.env.PROPERTY_RUNS ?? 0)));
});
