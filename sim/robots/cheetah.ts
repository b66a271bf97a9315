/**
 * Planar half-cheetah with Gym's layout: torso + back and front legs (thigh, shin, foot), 6 hinges about y.
 * Geometry, joint ranges, stiffness, damping and gears follow Gymnasium's half_cheetah.xml; masses come from
 * shape volumes at density 1000 kg/m^3.
 */
import type { BodySpec, RobotSpec, Vec3 } from '../robot-spec.js';
import { PITCH_AXIS, pitchedCapsule } from './planar-shapes.js';

const RADIUS = 0.046;
const DENSITY = 1000;
/** Extra inertia per limb (kg·m^2), standing in for MuJoCo's joint armature 0.1. */
const ARMATURE = 0.1;

interface Limb {
  name: string;
  parent: string;
  position: Vec3;
  shape: { center: Vec3; pitch: number; halfLength: number };
  range: [number, number];
  stiffness: number;
  damping: number;
}

/** Limb table in rest-pose world coordinates (torso origin at z = 0.7 m). */
const LIMBS: Limb[] = [
  { name: 'bthigh', parent: 'torso', position: [-0.5, 0, 0.7], shape: { center: [0.1, 0, -0.13], pitch: -3.8, halfLength: 0.145 }, range: [-0.52, 1.05], stiffness: 240, damping: 6 },
  { name: 'bshin', parent: 'bthigh', position: [-0.34, 0, 0.45], shape: { center: [-0.14, 0, -0.07], pitch: -2.03, halfLength: 0.15 }, range: [-0.785, 0.785], stiffness: 180, damping: 4.5 },
  { name: 'bfoot', parent: 'bshin', position: [-0.62, 0, 0.31], shape: { center: [0.03, 0, -0.097], pitch: -0.27, halfLength: 0.094 }, range: [-0.4, 0.785], stiffness: 120, damping: 3 },
  { name: 'fthigh', parent: 'torso', position: [0.5, 0, 0.7], shape: { center: [-0.07, 0, -0.12], pitch: 0.52, halfLength: 0.133 }, range: [-1, 0.7], stiffness: 180, damping: 4.5 },
  { name: 'fshin', parent: 'fthigh', position: [0.36, 0, 0.46], shape: { center: [0.065, 0, -0.09], pitch: -0.6, halfLength: 0.106 }, range: [-1.2, 0.87], stiffness: 120, damping: 3 },
  { name: 'ffoot', parent: 'fshin', position: [0.49, 0, 0.28], shape: { center: [0.045, 0, -0.07], pitch: -0.6, halfLength: 0.07 }, range: [-0.5, 0.5], stiffness: 60, damping: 1.5 },
];
const GEARS = [120, 90, 60, 120, 60, 30];

function limbBody(l: Limb): BodySpec {
  return {
    name: l.name,
    parent: l.parent,
    position: l.position,
    density: DENSITY,
    armature: ARMATURE,
    shapes: [pitchedCapsule(l.shape.center, l.shape.pitch, l.shape.halfLength, RADIUS)],
    joint: { name: l.name, anchor: l.position, axis: PITCH_AXIS, range: l.range, stiffness: l.stiffness, damping: l.damping },
  };
}

/** The half-cheetah: 7 bodies, 6 actuated hinges (bthigh, bshin, bfoot, fthigh, fshin, ffoot). */
export const cheetahSpec: RobotSpec = {
  name: 'half-cheetah',
  rootMode: 'planar-xz',
  friction: 0.8,
  bodies: [
    {
      name: 'torso',
      position: [0, 0, 0.7],
      density: DENSITY,
      shapes: [
        { kind: 'capsule', from: [-0.5, 0, 0], to: [0.5, 0, 0], radius: RADIUS },
        pitchedCapsule([0.6, 0, 0.1], 0.87, 0.15, RADIUS),
      ],
    },
    ...LIMBS.map(limbBody),
  ],
  actuators: LIMBS.map((l, i) => ({ kind: 'joint' as const, joint: l.name, gear: GEARS[i] })),
};
