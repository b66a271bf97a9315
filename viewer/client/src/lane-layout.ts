/**
 * Where lanes go: side by side along -y (lane 0 at the origin), spaced so that robots (and, for goal
 * tasks, the goals they walk to) of neighbouring lanes never overlap, on the screen too. Sizes come from
 * the RobotSpec's shapes in the rest pose and from the goal parameter's sampling law.
 */
import { Box3, Vector3 } from 'three';
import type { RobotSpec, ShapeSpec, Vec3 } from '../../../sim/robot-spec.js';
import type { SceneInfo } from '../../source.js';
import type { LabelPlacement } from './lane-labels.js';
import { goalReach } from './task-view.js';

/** Lane placement and the robot's size (m). */
export interface LaneLayout {
  /** Origin of each lane's robot, [lanes]. */
  origins: Vector3[];
  /** Distance between neighbouring lanes. */
  spacing: number;
  /** Robot size: the larger of its horizontal reach from the root and half its height. */
  robotSize: number;
  /** The robot in its rest pose: x, y relative to its root body, z from the ground. */
  robotBox: Box3;
  /** Top of the robot in the rest pose. */
  robotHeight: number;
  /** Height of the root body in the rest pose. */
  rootHeight: number;
  /** Size of the scene (m): the lanes' span plus a lane of margin, at least 3 robot sizes and 2 robot heights. */
  viewSize: number;
  /** What the first view shows: every lane's robot at its origin and the square its goals may lie in. */
  bounds: Box3;
  /** Direction from the view centre to the camera at first (unit). */
  viewDirection: Vector3;
  /** Where lane labels go relative to their robots. */
  labelPlacement: LabelPlacement;
}

/**
 * Planar runners are seen from their side and above, lanes one behind the other up the screen (labels
 * behind the robots); others from behind, lanes left to right across the screen (labels in columns).
 */
const SIDE_VIEW = new Vector3(0.2, -1, 1).normalize();
const REAR_VIEW = new Vector3(-1, -0.15, 1).normalize();
/** Planar runners' lanes are at least this many robot heights apart, so that seen from SIDE_VIEW they do not overlap. */
const SIDE_VIEW_SPACING = 1.25;

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
  const goalRange = goalReach(goal?.distribution ?? '');
  const spacing = planar ? Math.max(2 * lateral + robotSize, SIDE_VIEW_SPACING * bounds.max[2]) : 2 * goalRange + 3 * robotSize;
  const origins = scene.lanes.map((_, i) => new Vector3(0, -i * spacing, 0));
  const robotBox = new Box3(new Vector3(bounds.min[0] - root[0], bounds.min[1] - root[1], 0), new Vector3(bounds.max[0] - root[0], bounds.max[1] - root[1], bounds.max[2]));
  const goals = new Box3(new Vector3(-goalRange, -goalRange, 0), new Vector3(goalRange, goalRange, 0));
  return {
    origins,
    spacing,
    robotSize,
    robotBox,
    robotHeight: bounds.max[2],
    rootHeight: root[2],
    viewSize: Math.max(spacing * scene.lanes.length, 3 * robotSize, 2 * bounds.max[2]),
    bounds: origins.reduce((box, origin) => box.union(robotBox.clone().union(goals).translate(origin)), new Box3()),
    viewDirection: (planar ? SIDE_VIEW : REAR_VIEW).clone(),
    labelPlacement: planar ? 'behind' : 'column',
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
