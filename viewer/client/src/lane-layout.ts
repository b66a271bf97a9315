/**
 * Where lanes go: side by side along -y (lane 0 at the origin), spaced so that robots (and, for goal
 * tasks, the goals they walk to) of neighbouring lanes never overlap. Sizes come from the RobotSpec's
 * shapes in the rest pose and from the goal parameter's sampling law.
 */
import { Vector3 } from 'three';
import type { RobotSpec, ShapeSpec, Vec3 } from '../../../sim/robot-spec.js';
import type { SceneInfo } from '../../source.js';
import { goalReach } from './task-view.js';

/** Lane placement and the robot's size (m). */
export interface LaneLayout {
  /** Origin of each lane's robot, [lanes]. */
  origins: Vector3[];
  /** Distance between neighbouring lanes. */
  spacing: number;
  /** Robot size: the larger of its horizontal reach from the root and half its height. */
  robotSize: number;
  /** Top of the robot in the rest pose. */
  robotHeight: number;
  /** Height of the root body in the rest pose. */
  rootHeight: number;
  /** Size of the first view (m): the lanes' span plus a lane of margin, at least 3 robot sizes and 2 robot heights. */
  viewSize: number;
  /** Camera position relative to the view centre (m). */
  cameraOffset: Vector3;
}

/**
 * Planar runners are seen from their side, lanes one behind the other, from 1.4 view sizes away; others
 * from behind, lanes left to right across the screen, from 0.9 view sizes away.
 */
const SIDE_VIEW = new Vector3(0.45, -1, 0.62).normalize().multiplyScalar(1.4);
const REAR_VIEW = new Vector3(-1, -0.35, 0.8).normalize().multiplyScalar(0.9);

/** The layout of `scene`'s lanes. */
export function laneLayout(scene: SceneInfo): LaneLayout {
  const bounds = restBounds(scene.robot);
  const root = scene.robot.bodies[0].position;
  const reach = Math.max(...[bounds.min, bounds.max].flatMap((p) => [Math.abs(p[0] - root[0]), Math.abs(p[1] - root[1])]));
  const lateral = Math.max(Math.abs(bounds.min[1] - root[1]), Math.abs(bounds.max[1] - root[1]));
  const robotSize = Math.max(reach, 0.5 * bounds.max[2]);
  const goal = scene.taskParameters.find((p) => p.name === 'goal');
  // Planar runners never leave their lane; others may walk anywhere within a goal's reach of their origin.
  const planar = scene.robot.rootMode === 'planar-xz';
  const spacing = planar ? 2 * lateral + robotSize : 2 * goalReach(goal?.distribution ?? '') + 3 * robotSize;
  const viewSize = Math.max(spacing * scene.lanes.length, 3 * robotSize, 2 * bounds.max[2]);
  return {
    origins: scene.lanes.map((_, i) => new Vector3(0, -i * spacing, 0)),
    spacing,
    robotSize,
    robotHeight: bounds.max[2],
    rootHeight: root[2],
    viewSize,
    cameraOffset: (planar ? SIDE_VIEW : REAR_VIEW).clone().multiplyScalar(viewSize),
  };
}

/** Axis-aligned bounds of every shape of the robot in its rest pose (m, relative to the robot origin). */
function restBounds(spec: RobotSpec): { min: number[]; max: number[] } {
  const min = [Infinity, Infinity, Infinity];
  const max = [-Infinity, -Infinity, -Infinity];
  for (const body of spec.bodies) {
    for (const shape of body.shapes) {
      for (const [centre, half] of shapeExtents(shape)) {
        for (let k = 0; k < 3; k++) {
          min[k] = Math.min(min[k], body.position[k] + centre[k] - half[k]);
          max[k] = Math.max(max[k], body.position[k] + centre[k] + half[k]);
        }
      }
    }
  }
  return { min, max };
}

/** Boxes (centre, half extents) covering a shape in its body frame. */
function shapeExtents(shape: ShapeSpec): Array<[Vec3, Vec3]> {
  switch (shape.kind) {
    case 'box':
      return [[shape.center, shape.halfExtents]];
    case 'sphere':
      return [[shape.center, [shape.radius, shape.radius, shape.radius]]];
    case 'capsule': {
      const r: Vec3 = [shape.radius, shape.radius, shape.radius];
      return [[shape.from, r], [shape.to, r]];
    }
  }
}
