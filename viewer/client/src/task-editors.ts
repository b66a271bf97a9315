/**
 * Task editors, one per task family, built from the scene's task parameters: goal coordinates (goals are
 * also dragged in 3D), target velocity slider, direction toggle, walking angle slider, and uniform mass /
 * friction multipliers for dynamics tasks. Every edit becomes a `setTask` through `setTask`.
 */
import type { SceneInfo, ViewerTask } from '../../source.js';
import { el } from './dom.js';
import { intervalIn, uniformParamsTask, type TaskView } from './task-view.js';

/** An editor panel that follows the task playing. */
export interface TaskEditor {
  readonly element: HTMLElement;
  /** Show the values of the task playing now. */
  show(view: TaskView): void;
}

type SetTask = (task: ViewerTask) => void;

/** The editor for `scene`'s task family, or undefined when the family has no known editor. */
export function taskEditorFor(scene: SceneInfo, setTask: SetTask): TaskEditor | undefined {
  const names = new Set(scene.taskParameters.map((p) => p.name));
  const law = (name: string): string => scene.taskParameters.find((p) => p.name === name)?.distribution ?? '';
  if (names.has('goal')) return goalEditor(setTask);
  if (names.has('targetVelocity')) return velocityEditor(intervalIn(law('targetVelocity')) ?? [0, 2], setTask);
  if (names.has('direction')) return directionEditor(setTask);
  if (names.has('angle')) return angleEditor(setTask);
  if (names.has('massScale')) return paramsEditor(scene, setTask);
  return undefined;
}

/** A labelled range input with its value shown; `onCommit` fires when the user releases it. */
function slider(label: string, range: [number, number, number], format: (v: number) => string, onCommit: (v: number) => void): { row: HTMLElement; set(v: number): void; value(): number } {
  const [min, max, step] = range;
  const input = el('input', { type: 'range', min: String(min), max: String(max), step: String(step) });
  const shown = el('span', { className: 'slider-value' });
  input.addEventListener('input', () => (shown.textContent = format(Number(input.value))));
  input.addEventListener('change', () => onCommit(Number(input.value)));
  return {
    row: el('label', { className: 'slider' }, label, input, shown),
    set(v: number) {
      input.value = String(v);
      shown.textContent = format(Number(input.value));
    },
    value: () => Number(input.value),
  };
}

function editor(title: string, ...rows: HTMLElement[]): HTMLElement {
  return el('div', { id: 'task-editor', className: 'task-editor' }, el('div', { className: 'panel-heading' }, title), ...rows);
}

function goalEditor(setTask: SetTask): TaskEditor {
  const x = el('input', { id: 'goal-x', type: 'number', step: '0.05' });
  const y = el('input', { id: 'goal-y', type: 'number', step: '0.05' });
  const send = el('button', { id: 'goal-set', textContent: 'set goal' });
  send.addEventListener('click', () => setTask({ goal: [Number(x.value), Number(y.value)] }));
  return {
    element: editor('goal (m) — or drag a green marker', el('div', { className: 'row' }, 'x', x, 'y', y, send)),
    show(view) {
      if (view.kind !== 'goal') return;
      x.value = view.goal[0].toFixed(2);
      y.value = view.goal[1].toFixed(2);
    },
  };
}

function velocityEditor([lo, hi]: [number, number], setTask: SetTask): TaskEditor {
  const range: [number, number, number] = [Math.min(lo, 0), hi + 0.5 * (hi - lo), 0.05];
  const velocity = slider('target', range, (v) => `${v.toFixed(2)} m/s`, (v) => setTask({ targetVelocity: v }));
  velocity.row.id = 'velocity-slider';
  return {
    element: editor('target velocity', velocity.row),
    show: (view) => view.kind === 'velocity' && velocity.set(view.targetVelocity),
  };
}

function directionEditor(setTask: SetTask): TaskEditor {
  let direction = 1;
  const toggle = el('button', { id: 'direction-toggle' });
  const label = (): string => `running ${direction > 0 ? 'forward (+x)' : 'backward (-x)'}: flip`;
  toggle.addEventListener('click', () => setTask({ direction: -direction }));
  return {
    element: editor('direction', toggle),
    show(view) {
      if (view.kind !== 'direction') return;
      direction = view.direction;
      toggle.textContent = label();
    },
  };
}

function angleEditor(setTask: SetTask): TaskEditor {
  const angle = slider('angle', [0, 359, 1], (deg) => `${deg.toFixed(0)}°`, (deg) => setTask({ angle: (deg * Math.PI) / 180 }));
  angle.row.id = 'angle-slider';
  return {
    element: editor('walking direction', angle.row),
    show: (view) => view.kind === 'angle' && angle.set(((((view.angle * 180) / Math.PI) % 360) + 360) % 360),
  };
}

/** Mass and friction multipliers on a log scale: slider value v means ×1.5^v, v in [-3, 3] (the training range). */
function paramsEditor(scene: SceneInfo, setTask: SetTask): TaskEditor {
  const base = 1.5;
  const format = (v: number): string => `×${(base ** v).toFixed(2)}`;
  const send = (): void => setTask(uniformParamsTask(scene, base ** mass.value(), base ** friction.value()));
  const mass = slider('mass', [-3, 3, 0.1], format, send);
  const friction = slider('friction', [-3, 3, 0.1], format, send);
  mass.row.id = 'mass-slider';
  friction.row.id = 'friction-slider';
  const logMean = (values: number[] | undefined): number => (values ? values.reduce((s, x) => s + Math.log(x), 0) / values.length / Math.log(base) : 0);
  return {
    element: editor('dynamics (whole robot)', mass.row, friction.row),
    show(view) {
      if (view.kind !== 'params') return;
      mass.set(logMean(view.scales.massScale));
      friction.set(logMean(view.scales.frictionScale));
    },
  };
}
