/**
 * Rapier collider descriptions for RobotSpec shapes.
 */
import type RAPIER_NS from '@dimforge/rapier3d-simd-compat';
import { physics } from './rapier.js';
import type { ShapeSpec } from './robot-spec.js';
import { add, quatAxisAngle, quatFromZ, quatMul, sub } from './quat.js';

/** Collider description for a shape placed in its body's frame. */
export function shapeCollider(shape: ShapeSpec): RAPIER_NS.ColliderDesc {
  const R = physics();
  switch (shape.kind) {
    case 'sphere':
      return R.ColliderDesc.ball(shape.radius).setTranslation(...shape.center);
    case 'box':
      return R.ColliderDesc.cuboid(...shape.halfExtents).setTranslation(...shape.center);
    case 'capsule': {
      const axis = sub(shape.to, shape.from);
      const half = Math.hypot(axis[0], axis[1], axis[2]) / 2;
      const mid = add(shape.from, [axis[0] / 2, axis[1] / 2, axis[2] / 2]);
      // Rapier capsules lie along local y; rotate y onto the segment direction.
      const zToDir = quatFromZ(axis);
      const yToZ = quatAxisAngle([1, 0, 0], Math.PI / 2);
      const r = quatMul(zToDir, yToZ);
      return R.ColliderDesc.capsule(half, shape.radius).setTranslation(...mid).setRotation({ x: r[0], y: r[1], z: r[2], w: r[3] });
    }
  }
}
