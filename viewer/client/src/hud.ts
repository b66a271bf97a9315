/**
 * The HUD: env id, algorithm, task, take progress, lane returns, render and stream rates, connection
 * state, metrics and the last error; plus the "server gone" banner.
 */
import { el, setText } from './dom.js';
import type { ConnectionState } from './feed.js';

/** Everything the HUD shows. */
export interface HudView {
  envId: string;
  algorithm: string;
  /** One-line task description. */
  task: string;
  take: number;
  /** Last step shown and the take's length (steps). */
  step: number;
  steps: number;
  paused: boolean;
  speed: number;
  /** One line per lane: label and, once finished, its return. */
  lanes: string[];
  renderFps: number;
  framesPerSecond: number;
  droppedFrames: number;
  connection: ConnectionState;
  metrics: Record<string, number>;
  /** Last error from the server or the feed ('' when none). */
  message: string;
}

const CONNECTION_TEXT: Record<ConnectionState, string> = {
  connecting: 'connecting…',
  connected: 'live: connected',
  reconnecting: 'server gone, reconnecting…',
  replay: 'replay (offline recording)',
};

export class Hud {
  private readonly fields = {
    envId: el('div', { id: 'hud-env', className: 'hud-title' }),
    algorithm: el('div', { id: 'hud-algorithm' }),
    task: el('div', { id: 'hud-task', className: 'hud-task' }),
    progress: el('div', { id: 'hud-progress' }),
    lanes: el('div', { id: 'hud-lanes', className: 'hud-lanes' }),
    rates: el('div', { id: 'hud-rates', className: 'hud-dim' }),
    connection: el('div', { id: 'hud-connection' }),
    metrics: el('div', { id: 'hud-metrics', className: 'hud-dim' }),
    message: el('div', { id: 'hud-message', className: 'hud-error' }),
  };
  private readonly banner = el('div', { id: 'banner', className: 'banner', textContent: 'Server gone, reconnecting…' });

  /** The HUD panel goes at the end of `parent` (the sidebar); the banner, fixed at the top of the page, too. */
  constructor(parent: HTMLElement) {
    parent.append(el('div', { id: 'hud', className: 'panel hud' }, ...Object.values(this.fields)), this.banner);
  }

  show(view: HudView): void {
    const f = this.fields;
    setText(f.envId, view.envId);
    setText(f.algorithm, `algorithm: ${view.algorithm}`);
    setText(f.task, `task: ${view.task}`);
    setText(f.progress, `take ${view.take} · step ${view.step + 1}/${view.steps} · ×${view.speed}${view.paused ? ' · paused' : ''}`);
    setText(f.lanes, view.lanes.join('\n'));
    setText(f.rates, `render ${view.renderFps.toFixed(0)} fps · ${view.framesPerSecond.toFixed(0)} frames/s received · ${view.droppedFrames} dropped`);
    setText(f.connection, CONNECTION_TEXT[view.connection]);
    f.connection.className = `hud-connection hud-${view.connection}`;
    setText(f.metrics, Object.entries(view.metrics).map(([k, v]) => `${k}: ${formatMetric(v)}`).join('\n'));
    setText(f.message, view.message);
    this.banner.classList.toggle('visible', view.connection === 'reconnecting');
  }
}

function formatMetric(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toPrecision(4);
}
