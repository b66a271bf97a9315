import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Box, Rng } from '../envs/index.js';

describe('Rng and Box', () => {
  it('same seed gives the same numbers; a restored state continues the stream', () => {
    const a = Rng.fromSeed(42);
    const b = Rng.fromSeed(42);
    const xs = Array.from({ length: 5 }, () => a.uniform());
    assert.deepEqual(xs, Array.from({ length: 5 }, () => b.uniform()));
    const saved = a.state();
    const next = [a.normal(), a.int(0, 9), a.uniform(-1, 1)];
    const restored = Rng.fromState(saved);
    assert.deepEqual([restored.normal(), restored.int(0, 9), restored.uniform(-1, 1)], next);
  });

  it('small neighbouring seeds give unrelated first draws', () => {
    const firsts = [0, 1, 2, 3, 4, 5, 6, 7].map((seed) => Rng.fromSeed(seed).uniform());
    const spread = Math.max(...firsts) - Math.min(...firsts);
    assert.ok(spread > 0.5, `first draws ${firsts}`);
  });

  it('fork gives an independent stream without repeating the parent', () => {
    const parent = Rng.fromSeed(1);
    const child = parent.fork();
    assert.notDeepEqual([child.uniform(), child.uniform()], [parent.uniform(), parent.uniform()]);
  });

  it('normal samples have mean 0 and variance 1', () => {
    const rng = Rng.fromSeed(3);
    const xs = Array.from({ length: 20000 }, () => rng.normal());
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length;
    assert.ok(Math.abs(mean) < 0.03, `mean ${mean}`);
    assert.ok(Math.abs(variance - 1) < 0.05, `variance ${variance}`);
  });

  it('Box samples lie inside its bounds and checks membership', () => {
    const box = new Box([-1, 0], [1, 2]);
    const rng = Rng.fromSeed(0);
    for (let i = 0; i < 100; i++) assert.ok(box.contains(box.sample(rng)));
    assert.equal(box.contains([0, 3]), false);
    assert.equal(box.contains([0]), false);
    assert.deepEqual(new Box(-Infinity, Infinity, 2).toJSON(), { dim: 2, low: [null, null], high: [null, null] });
    assert.throws(() => new Box([1], [0]), /low\[0\] > high\[0\]/);
  });
});
