/**
 * RewardProbe: drive one robot of a task family from hand-made states, for fidelity tests that check an env's reward,
 * every reward term, termination and success against the formula its card states. Two ways in: `rewardAt` calls the
 * family's reward() at a teleported state (nothing steps), and `step` runs one real env step — the same RobotEpisode
 * code that single and vector envs run — from a teleported state with a given action.
 */
import type { RobotHandle, RobotState } from '../sim/build.js';
import { initPhysics } from '../sim/rapier.js';
import type { Vec3 } from '../sim/robot-spec.js';
import type { PhysicsWorld } from '../sim/world.js';
import { RobotEpisode } from './robot-episode.js';
import { createWorld, type RewardOutput, type RobotTaskDef } from './task-def.js';
import type { StepResult, Task } from './types.js';

/** One probed env step: its result and the root position (m) right before and after it. */
export interface ProbedStep {
  result: StepResult;
  rootBefore: [number, number, number];
  rootAfter: [number, number, number];
}

/** A robot of `def` alone in its own world, driven from hand-made states. Call {@link RewardProbe.close} at the end. */
export class RewardProbe<T extends Task> {
  private readonly world: PhysicsWorld;
  private readonly episode: RobotEpisode<T>;

  private constructor(private readonly def: RobotTaskDef<T>) {
    this.world = createWorld(def as RobotTaskDef<Task>);
    this.episode = new RobotEpisode(def, this.world, [0, 0, 0], {});
  }

  /** A probe for `def` (initialises the physics engine). */
  static async create<T extends Task>(def: RobotTaskDef<T>): Promise<RewardProbe<T>> {
    await initPhysics();
    return new RewardProbe(def);
  }

  /** The probed robot (read its state after `step`). */
  get robot(): RobotHandle {
    return this.episode.robot;
  }

  /** The robot's rest pose (spec positions, identity rotation, zero velocities and joint angles) with `overrides`. */
  state(overrides: Partial<RobotState> = {}): RobotState {
    const n = this.episode.robot.numJoints;
    const rest: RobotState = {
      rootPosition: this.def.robot.bodies[0].position,
      rootRotation: [0, 0, 0, 1],
      rootLinvel: [0, 0, 0],
      rootAngvel: [0, 0, 0],
      q: new Array(n).fill(0),
      qdot: new Array(n).fill(0),
    };
    return { ...rest, ...overrides };
  }

  /** Control step (s): the physics dt times the frame skip, as the env passes it to reward(). */
  get controlDt(): number {
    return this.def.physics.dt * this.def.physics.frameSkip;
  }

  /**
   * The family's reward() with the robot teleported to `state` (the state after the step) and the root position
   * `rootBefore` (m) before it; the robot does not move.
   * @param action the applied action, [actDim]
   */
  rewardAt(task: T, state: RobotState, action: readonly number[], rootBefore: Vec3): RewardOutput {
    this.episode.setTask(task);
    this.episode.robot.setState(state);
    return this.def.reward({
      robot: this.episode.robot,
      task: this.episode.getTask(),
      action: Float32Array.from(action),
      rootBefore,
      rootAfter: this.episode.robot.bodyPosition(0),
      dt: this.controlDt,
    });
  }

  /** One real env step with `action` from `state` (episode reset with seed 0, then teleported there). */
  step(task: T, state: RobotState, action: readonly number[]): ProbedStep {
    this.episode.setTask(task);
    this.episode.reset(0);
    this.episode.robot.setState(state);
    const rootBefore = this.episode.robot.bodyPosition(0);
    this.episode.beginStep(action);
    this.world.step(this.def.physics.frameSkip);
    const result = this.episode.endStep();
    return { result, rootBefore, rootAfter: this.episode.robot.bodyPosition(0) };
  }

  /** Free the probe's world. */
  close(): void {
    this.world.free();
  }
}

/** What a fidelity test computes independently for one step: every reward term and the flags. */
export interface ExpectedOutcome {
  /** Every reward term, by name, in the card's order; the reward must be their sum. */
  terms: Record<string, number>;
  terminated: boolean;
  /** Checked on env steps only (default false). */
  truncated?: boolean;
  /** undefined: the family defines no success. */
  success?: boolean;
}

/**
 * Where `got` (a reward() output or an env step's result) differs from `want`: term names or order, a term or the
 * reward off by more than `relTol` relative (absolute below 1), or a flag. @returns one line per mismatch (none: equal)
 */
export function outcomeMismatches(got: RewardOutput | StepResult, want: ExpectedOutcome, relTol = 1e-6): string[] {
  const step = 'info' in got ? got : undefined;
  const terms = 'info' in got ? got.info.rewardTerms : got.terms;
  const success = 'info' in got ? got.info.success : got.success;
  const names = Object.keys(want.terms);
  if (Object.keys(terms).join() !== names.join()) return [`terms [${Object.keys(terms).join(', ')}], expected [${names.join(', ')}]`];
  const near = (a: number, b: number) => Math.abs(a - b) <= relTol * Math.max(1, Math.abs(b));
  const f = names.filter((k) => !near(terms[k], want.terms[k])).map((k) => `${k} = ${terms[k]}, expected ${want.terms[k]}`);
  const sum = names.reduce((acc, k) => acc + want.terms[k], 0);
  if (step && !near(step.reward, sum)) f.push(`reward = ${step.reward}, expected ${sum}`);
  if ((got.terminated ?? false) !== want.terminated) f.push(`terminated = ${got.terminated}, expected ${want.terminated}`);
  if (success !== want.success) f.push(`success = ${success}, expected ${want.success}`);
  if (step && step.truncated !== (want.truncated ?? false)) f.push(`truncated = ${step.truncated}, expected ${want.truncated ?? false}`);
  return f;
}
