/** Every robot the simulator ships, by spec name. */
import type { RobotSpec } from '../robot-spec.js';
import { antSpec } from './ant.js';
import { cheetahSpec } from './cheetah.js';
import { hopperSpec } from './hopper.js';
import { pointSpec } from './point.js';
import { reacherSpec } from './reacher.js';
import { walkerSpec } from './walker.js';

export { antSpec, cheetahSpec, hopperSpec, pointSpec, reacherSpec, walkerSpec };

/** All robots, keyed by `RobotSpec.name`. */
export const ROBOTS: Readonly<Record<string, RobotSpec>> = Object.fromEntries(
  [pointSpec, cheetahSpec, antSpec, hopperSpec, walkerSpec, reacherSpec].map((s) => [s.name, s]),
);
