/**
 * Read-only hooks for browser tests: `window.__metarl` exposes the page's live state (connection, frames
 * received, HUD values, the last task sent, trail lengths, the chart's evaluation curves) and where goal
 * markers, lane origins and robots appear on screen.
 */
import type { ViewerTask } from '../../source.js';
import type { ConnectionState } from './feed.js';
import type { HudView } from './hud.js';
import type { ScreenPoint } from './stage.js';

/** What `window.__metarl` offers. */
export interface ViewerHooks {
  readonly mode: 'live' | 'replay' | 'none';
  readonly connection: ConnectionState;
  readonly connected: boolean;
  /** Pose frames received since the page loaded. */
  readonly framesReceived: number;
  /** Frames drawn since the page loaded. */
  readonly framesRendered: number;
  readonly hud: HudView;
  readonly lastTaskSent: ViewerTask | null;
  /** Error messages received, oldest first. */
  readonly errors: readonly string[];
  /** Points in each lane's trail (take playing). */
  readonly trailPoints: readonly number[];
  /** Names of the evaluation curves (eval.json) the chart draws. */
  readonly chartReferences: readonly string[];
  /** Page position (CSS pixels) of lane `lane`'s goal marker, null without one. */
  goalScreenPosition(lane: number): ScreenPoint | null;
  /** Page positions (CSS pixels, camera as last rendered) of every lane's origin and root body. */
  lanePositions(): Array<{ origin: ScreenPoint; root: ScreenPoint }>;
}

declare global {
  interface Window {
    __metarl?: ViewerHooks;
  }
}

/** Install `hooks` as `window.__metarl` (not writable). */
export function installTestHooks(hooks: ViewerHooks): void {
  Object.defineProperty(window, '__metarl', { value: hooks, writable: false, configurable: false });
}
