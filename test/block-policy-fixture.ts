/**
 * A block policy for tests (registered at import; worker threads import this module by URL): env e's action is
 * [e / 10, its step datum], so a test can see which envs a block acted for and which data it got.
 */
import { registerBlockPolicy, type BlockPolicy } from '../envs/block-policy.js';

registerBlockPolicy('test-index-and-datum', (data) => (_obs, first, count, stepData) => {
  if ((data as { fail?: boolean }).fail && first === 0) throw new Error('the test policy failed');
  const datum = stepData as Float64Array;
  return Float32Array.from({ length: 2 * count }, (_, i) => (i % 2 === 0 ? (first + i / 2) / 10 : datum[(i - 1) / 2]));
});

/** The fixture policy; `fail` makes the block holding env 0 throw. */
export function indexAndDatumPolicy(fail = false): BlockPolicy {
  return { module: import.meta.url, program: 'test-index-and-datum', data: { fail } };
}
