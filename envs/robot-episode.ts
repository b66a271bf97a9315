/**
 * RobotEpisode: the per-robot half of an env — task, episode bookkeeping, action checks, observation,
 * reward and physics-error handling — for one robot in a (possibly shared) PhysicsWorld. Single envs and
 * vector envs both drive robots through this class, so they produce the same numbers.
 */
import { buildRobot, type RobotHandle } from '../sim/build.js';
import { quatAxisAngle, quatMul, type Quat } from '../sim/quat.js';
import type { Vec3 } from '../sim/robot-spec.js';
import { specJoints } from '../sim/robot-spec.js';
import type { PhysicsWorld } from '../sim/world.js';
import { observationDim, type EnvOptions, type RobotTaskDef } from './task-def.js';
import { Rng } from './rng.js';
import type { StepResult, Task } from './types.js';

/** Which root degrees of freedom move, per root mode: translations x, y, z; rotations x, y, z. */
const FREE_AXES = {
  free: { translate: [true, true, true], rotate: [true, true, true] },
  'planar-xz': { translate: [true, false, true], rotate: [false, true, false] },
  'planar-xy': { translate: [true, true, false], rotate: [false, false, false] },
  fixed: { translate: [false, false, false], rotate: [false, false, false] },
} as const;

const AXES: Vec3[] = [
  [1, 0, 0],
  [0, 1, 0],
  [0, 0, 1],
];

/** One robot of an env: owns its task, RNG stream and episode state. */
export class RobotEpisode<T extends Task> {
  readonly robot: RobotHandle;
  readonly obsDim: number;
  readonly actDim: number;
  private task: T;
  private rng: Rng;
  private steps = 0;
  private state: 'needs-reset' | 'running' | 'over' = 'needs-reset';
  private readonly action: Float32Array;
  private lastObs: Float32Array;
  private rootBefore: Vec3 = [0, 0, 0];
  private readonly oracle: boolean;

  /**
   * @param index the env's index in its vector env (0 for a single env): before the first seeded reset, its random
   * stream is that of seed `index`, so that unseeded resets of a vector env's envs differ (and equal `reset(0)`).
   */
  constructor(
    private readonly def: RobotTaskDef<T>,
    world: PhysicsWorld,
    origin: Vec3,
    options: EnvOptions,
    index = 0,
  ) {
    this.robot = buildRobot(world, def.robot, { origin, groundContact: def.physics.ground });
    this.oracle = options.oracle ?? false;
    this.obsDim = observationDim(def, options);
    this.actDim = def.robot.actuators.length;
    this.action = new Float32Array(this.actDim);
    this.lastObs = new Float32Array(this.obsDim);
    this.rng = Rng.fromSeed(index);
    this.task = def.tasks.testTasks(1)[0];
    this.setTask(this.task);
  }

  /** Set the task (validated); dynamics parameters apply at once, reward terms from the next step. */
  setTask(task: T): void {
    this.task = this.def.tasks.parse(task);
    this.def.applyTask?.(this.robot, this.task);
  }

  getTask(): T {
    return this.task;
  }

  /** Start an episode from a random initial state; a seed restarts this robot's random stream. Returns the obs. */
  reset(seed?: number): Float32Array {
    if (seed !== undefined) this.rng = Rng.fromSeed(seed);
    this.robot.clearContacts();
    this.robot.setState(this.initialState());
    this.robot.applyAction(new Float32Array(this.actDim));
    this.steps = 0;
    this.state = 'running';
    this.lastObs = this.observe();
    return this.lastObs.slice();
  }

  /** Gym-style initial state: nominal pose plus uniform noise on positions/angles, normal noise on velocities. */
  private initialState() {
    const sp = this.def.resetNoise.position;
    const free = FREE_AXES[this.def.robot.rootMode];
    const rest = this.def.robot.bodies[0].position;
    const rootPosition = rest.map((p, i) => (free.translate[i] ? p + this.rng.uniform(-sp, sp) : p)) as unknown as Vec3;
    let rootRotation: Quat = [0, 0, 0, 1];
    AXES.forEach((axis, i) => {
      if (free.rotate[i]) rootRotation = quatMul(rootRotation, quatAxisAngle(axis, this.rng.uniform(-sp, sp)));
    });
    const rootLinvel = free.translate.map((f) => (f ? this.velocityNoise() : 0)) as unknown as Vec3;
    const rootAngvel = free.rotate.map((f) => (f ? this.velocityNoise() : 0)) as unknown as Vec3;
    const joints = specJoints(this.def.robot);
    const q = joints.map((j) => clamp(this.rng.uniform(-sp, sp), j.range));
    const qdot = joints.map(() => this.velocityNoise());
    return { rootPosition, rootRotation, rootLinvel, rootAngvel, q, qdot };
  }

  /** One velocity perturbation: `resetNoise.velocity` x N(0, 1), and exactly +0 when that scale is 0. */
  private velocityNoise(): number {
    const scale = this.def.resetNoise.velocity;
    const z = this.rng.normal();
    return scale === 0 ? 0 : scale * z;
  }

  /** Validate and apply an action before the world steps. */
  beginStep(action: ArrayLike<number>): void {
    if (this.state !== 'running')
      throw new Error(
        this.state === 'over'
          ? `${this.def.id}: the episode is over (terminated or truncated); call reset() before step().`
          : `${this.def.id}: call reset() before the first step().`,
      );
    if (!action || action.length !== this.actDim)
      throw new Error(`${this.def.id}: action must have ${this.actDim} entries (actionSpace.dim), got ${action?.length}.`);
    for (let i = 0; i < this.actDim; i++) {
      const a = action[i];
      if (!Number.isFinite(a)) throw new Error(`${this.def.id}: action[${i}] is ${a}; actions must be finite numbers in [-1, 1].`);
      this.action[i] = Math.min(1, Math.max(-1, a));
    }
    this.rootBefore = this.robot.bodyPosition(0);
    this.robot.applyAction(this.action);
  }

  /** Read the outcome after the world stepped. */
  endStep(): StepResult {
    this.steps += 1;
    const obs = this.robot.isFinite() ? this.observe() : undefined;
    if (!obs || !obs.every(Number.isFinite)) return this.physicsError();
    const out = this.def.reward({
      robot: this.robot,
      task: this.task,
      action: this.action,
      rootBefore: this.rootBefore,
      rootAfter: this.robot.bodyPosition(0),
      dt: this.def.physics.dt * this.def.physics.frameSkip,
    });
    const reward = Object.values(out.terms).reduce((s, v) => s + v, 0);
    if (!Number.isFinite(reward)) return this.physicsError();
    const terminated = out.terminated ?? false;
    const truncated = !terminated && this.steps >= this.def.horizon;
    if (terminated || truncated) this.state = 'over';
    this.lastObs = obs;
    const info = { rewardTerms: out.terms, episodeStep: this.steps, ...(out.success === undefined ? {} : { success: out.success }) };
    return { obs: obs.slice(), reward, terminated, truncated, info };
  }

  /** The physics diverged: truncate with the last finite observation and say so. */
  private physicsError(): StepResult {
    this.state = 'over';
    const message = `non-finite physics state at step ${this.steps}; episode truncated`;
    return { obs: this.lastObs.slice(), reward: 0, terminated: false, truncated: true, info: { rewardTerms: {}, episodeStep: this.steps, physicsError: message } };
  }

  private observe(): Float32Array {
    const obs = new Float32Array(this.obsDim);
    this.def.observation.write(this.robot, obs, 0);
    if (this.oracle) {
      const features = this.def.tasks.features(this.task);
      obs.set(features, this.obsDim - features.length);
    }
    return obs;
  }
}

function clamp(x: number, range?: readonly [number, number]): number {
  return range ? Math.min(range[1], Math.max(range[0], x)) : x;
}
