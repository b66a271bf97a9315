/**
 * Quadruped ant with Gym's layout: a spherical torso and four two-segment legs (hip about z, ankle about the
 * leg's horizontal normal), 8 actuated hinges. Geometry and joint ranges follow Gymnasium's ant.xml.
 * Gym's ant weighs 0.9 kg (density 5) and relies on MuJoCo's armature 1 to survive gear 150; in Rapier that
 * explodes within a second of random actions. Measured stable instead: density 50 kg/m^3 (9.1 kg),
 * armature 0.3, gear 60 and 8 solver iterations (joint-limit overshoot < 0.05 rad under random actions).
 */
import type { BodySpec, RobotSpec, Vec3 } from '../robot-spec.js';

const DEG = Math.PI / 180;
const DENSITY = 50;
const ARMATURE = 0.3;
const DAMPING = 1;
const RADIUS = 0.08;
const HEIGHT = 0.75;
const GEAR = 60;

/** Leg table: name suffix, horizontal direction (±1, ±1), ankle axis and range (deg), as in Gym. */
const LEGS: Array<{ id: number; dir: [number, number]; ankleAxis: Vec3; ankleRange: [number, number] }> = [
  { id: 1, dir: [1, 1], ankleAxis: [-Math.SQRT1_2, Math.SQRT1_2, 0], ankleRange: [30, 70] },
  { id: 2, dir: [-1, 1], ankleAxis: [Math.SQRT1_2, Math.SQRT1_2, 0], ankleRange: [-70, -30] },
  { id: 3, dir: [-1, -1], ankleAxis: [-Math.SQRT1_2, Math.SQRT1_2, 0], ankleRange: [-70, -30] },
  { id: 4, dir: [1, -1], ankleAxis: [Math.SQRT1_2, Math.SQRT1_2, 0], ankleRange: [30, 70] },
];

function legBodies(l: (typeof LEGS)[number]): BodySpec[] {
  const [dx, dy] = l.dir;
  const hip: Vec3 = [0.2 * dx, 0.2 * dy, HEIGHT];
  const ankle: Vec3 = [0.4 * dx, 0.4 * dy, HEIGHT];
  return [
    {
      name: `hip_${l.id}`, parent: 'torso', position: hip, density: DENSITY, armature: ARMATURE,
      shapes: [{ kind: 'capsule', from: [0, 0, 0], to: [0.2 * dx, 0.2 * dy, 0], radius: RADIUS }],
      joint: { name: `hip_${l.id}`, anchor: hip, axis: [0, 0, 1], range: [-30 * DEG, 30 * DEG], stiffness: 0, damping: DAMPING },
    },
    {
      name: `ankle_${l.id}`, parent: `hip_${l.id}`, position: ankle, density: DENSITY, armature: ARMATURE,
      shapes: [{ kind: 'capsule', from: [0, 0, 0], to: [0.4 * dx, 0.4 * dy, 0], radius: RADIUS }],
      joint: { name: `ankle_${l.id}`, anchor: ankle, axis: l.ankleAxis, range: [l.ankleRange[0] * DEG, l.ankleRange[1] * DEG], stiffness: 0, damping: DAMPING },
    },
  ];
}

/** The ant: 9 bodies, 8 actuated hinges in Gym's actuator order (hip_4, ankle_4, hip_1, ankle_1, ...), gear 60 N·m. */
export const antSpec: RobotSpec = {
  name: 'ant',
  rootMode: 'free',
  friction: 1,
  bodies: [
    {
      name: 'torso', position: [0, 0, HEIGHT], density: DENSITY,
      shapes: [
        { kind: 'sphere', center: [0, 0, 0], radius: 0.25 },
        ...LEGS.map((l) => ({ kind: 'capsule' as const, from: [0, 0, 0] as Vec3, to: [0.2 * l.dir[0], 0.2 * l.dir[1], 0] as Vec3, radius: RADIUS })),
      ],
    },
    ...LEGS.flatMap(legBodies),
  ],
  actuators: [4, 1, 2, 3].flatMap((id) => [
    { kind: 'joint' as const, joint: `hip_${id}`, gear: GEAR },
    { kind: 'joint' as const, joint: `ankle_${id}`, gear: GEAR },
  ]),
};
