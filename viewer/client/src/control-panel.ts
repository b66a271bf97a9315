/**
 * The control panel: pause/resume, speed, next task, camera follow and the task editor (live only); and the
 * chart panel (at the bottom of the sidebar) holding the adaptation chart's canvas.
 */
import type { ClientMessage, ServerState } from '../../protocol.js';
import { el } from './dom.js';
import type { TaskEditor } from './task-editors.js';

/** What the camera tracks: nothing, the centre of all lanes, or one lane. */
export type FollowChoice = 'free' | 'all' | number;

/** What the panel's controls do. */
export interface PanelActions {
  send(message: ClientMessage): void;
  follow(choice: FollowChoice): void;
}

const SPEEDS = [0.1, 0.25, 0.5, 1, 2, 4, 8];

export class ControlPanel {
  /** Canvas of the adaptation chart. */
  readonly chartCanvas = el('canvas', { id: 'chart', width: 300, height: 150 });
  private readonly pauseButton = el('button', { id: 'pause', textContent: 'pause' });
  private readonly speedSelect = el('select', { id: 'speed' }, ...SPEEDS.map((s) => el('option', { value: String(s), textContent: `×${s}` })));
  private readonly followSelect = el('select', { id: 'follow' });
  private readonly editorSlot = el('div', { className: 'editor-slot' });
  private readonly chartTitle = el('div', { className: 'panel-heading' });
  private paused = false;

  /** Both panels go at the end of `parent` (the sidebar). */
  constructor(parent: HTMLElement, private readonly actions: PanelActions) {
    const newTask = el('button', { id: 'new-task', textContent: 'new task' });
    this.pauseButton.addEventListener('click', () => actions.send({ type: this.paused ? 'resume' : 'pause' }));
    this.speedSelect.addEventListener('change', () => actions.send({ type: 'speed', factor: Number(this.speedSelect.value) }));
    newTask.addEventListener('click', () => actions.send({ type: 'newTask' }));
    this.followSelect.addEventListener('change', () => actions.follow(parseFollow(this.followSelect.value)));
    parent.append(
      el('div', { id: 'controls', className: 'panel controls' },
        el('div', { className: 'row' }, this.pauseButton, el('label', {}, 'speed ', this.speedSelect), newTask),
        el('div', { className: 'row' }, el('label', {}, 'camera ', this.followSelect)),
        this.editorSlot,
      ),
      el('div', { id: 'chart-panel', className: 'panel chart-panel' }, this.chartTitle, this.chartCanvas),
    );
  }

  /** Lane labels for the follow menu, the axis name for the chart, and the task editor (none in replays). */
  configure(lanes: string[], axis: string, editor: TaskEditor | undefined): void {
    const options = [['all', 'follow all lanes'], ['free', 'free orbit'], ...lanes.map((label, i) => [String(i), `follow: ${label}`])];
    this.followSelect.replaceChildren(...options.map(([value, text]) => el('option', { value, textContent: text })));
    this.chartTitle.textContent = `return vs ${axis}`;
    this.editorSlot.replaceChildren(...(editor ? [editor.element] : []));
  }

  /** Reflect the playback state. */
  showState(state: ServerState): void {
    this.paused = state.paused;
    this.pauseButton.textContent = state.paused ? 'resume' : 'pause';
    this.speedSelect.value = String(state.speed);
  }
}

function parseFollow(value: string): FollowChoice {
  return value === 'free' || value === 'all' ? value : Number(value);
}
