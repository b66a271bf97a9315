/**
 * What the client understands of a task (plain JSON, per env family): its kind, with the fields markers
 * and editors need, a one-line description for the HUD, and the tasks the editors build.
 */
import type { SceneInfo, ViewerTask } from '../../source.js';

/** A task as the viewer draws and edits it. */
export type TaskView =
  /** Goal position on the plane (m, relative to the robot origin). */
  | { kind: 'goal'; goal: [number, number] }
  /** Target forward velocity (m/s along +x). */
  | { kind: 'velocity'; targetVelocity: number }
  /** Running direction along x: +1 or -1. */
  | { kind: 'direction'; direction: number }
  /** Walking direction in the xy plane (rad from +x toward +y). */
  | { kind: 'angle'; angle: number }
  /** Dynamics multipliers (mass, inertia, damping, friction), one entry per body or joint. */
  | { kind: 'params'; scales: Record<string, number[]> }
  | { kind: 'other' };

/** Classify a task by its keys; unknown shapes are `other` (shown as JSON only). */
export function viewTask(task: ViewerTask | null): TaskView {
  if (!task) return { kind: 'other' };
  const { goal, targetVelocity, direction, angle } = task;
  if (Array.isArray(goal) && goal.length === 2 && goal.every(isNumber)) return { kind: 'goal', goal: [goal[0], goal[1]] };
  if (isNumber(targetVelocity)) return { kind: 'velocity', targetVelocity };
  if (isNumber(direction)) return { kind: 'direction', direction };
  if (isNumber(angle)) return { kind: 'angle', angle };
  const scales = Object.entries(task).filter(([key, v]) => key.endsWith('Scale') && Array.isArray(v) && v.every(isNumber));
  if (scales.length > 0) return { kind: 'params', scales: Object.fromEntries(scales) as Record<string, number[]> };
  return { kind: 'other' };
}

/** One line for the HUD, e.g. `goal (0.12, -0.40) m` or `mass ×0.31–1.59`. */
export function describeTask(task: ViewerTask | null): string {
  const view = viewTask(task);
  switch (view.kind) {
    case 'goal':
      return `goal (${view.goal[0].toFixed(2)}, ${view.goal[1].toFixed(2)}) m`;
    case 'velocity':
      return `target velocity ${view.targetVelocity.toFixed(2)} m/s`;
    case 'direction':
      return `direction ${view.direction > 0 ? '+x (forward)' : '-x (backward)'}`;
    case 'angle':
      return `direction ${((view.angle * 180) / Math.PI).toFixed(0)}° from +x`;
    case 'params':
      return Object.entries(view.scales).map(([key, values]) => `${key.replace('Scale', '')} ×${rangeText(values)}`).join(' · ');
    case 'other':
      return task ? JSON.stringify(task) : 'waiting for the first take';
  }
}

function rangeText(values: number[]): string {
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  return lo === hi ? lo.toFixed(2) : `${lo.toFixed(2)}–${hi.toFixed(2)}`;
}

/**
 * A params task with uniform multipliers for the whole robot: mass and inertia ×`mass` (a denser robot),
 * friction ×`friction`, damping ×1. Entry counts come from the scene's task parameters.
 */
export function uniformParamsTask(scene: SceneInfo, mass: number, friction: number): ViewerTask {
  const value: Record<string, number> = { massScale: mass, inertiaScale: mass, frictionScale: friction, dampingScale: 1 };
  return Object.fromEntries(scene.taskParameters.map((p) => [p.name, Array.from({ length: p.size }, () => value[p.name] ?? 1)]));
}

/** The first `[lo, hi]` interval written in a sampling law, e.g. [0, 2] in "uniform [0, 2]". */
export function intervalIn(law: string): [number, number] | undefined {
  const match = /\[\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*\]/.exec(law);
  return match ? [Number(match[1]), Number(match[2])] : undefined;
}

/** How far goals of a sampling law reach along one axis (m): r of "disc of radius r", max |bound| of "[a, b]^2"; 0 if neither. */
export function goalReach(law: string): number {
  const radius = /radius\s+(\d+(?:\.\d+)?)/.exec(law);
  if (radius) return Number(radius[1]);
  const interval = intervalIn(law);
  return interval ? Math.max(Math.abs(interval[0]), Math.abs(interval[1])) : 0;
}

function isNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}
