/**
 * Point mass in the horizontal plane: a 1 kg-class sphere driven by forces along x and y, with linear
 * damping so that a constant control settles to a constant speed (about 0.95 m/s at |u| = 1).
 */
import type { RobotSpec } from '../robot-spec.js';

/** The point mass: one body, 2 root-force actuators (x, y), gear 5 N, root damping 10 /s. */
export const pointSpec: RobotSpec = {
  name: 'point',
  rootMode: 'planar-xy',
  friction: 0,
  rootLinearDamping: 10,
  bodies: [{ name: 'point', position: [0, 0, 0.05], density: 1000, shapes: [{ kind: 'sphere', center: [0, 0, 0], radius: 0.05 }] }],
  actuators: [
    { kind: 'root-force', axis: 0, gear: 5 },
    { kind: 'root-force', axis: 1, gear: 5 },
  ],
};
