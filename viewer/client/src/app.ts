/**
 * The viewer page: takes protocol messages and pose frames from a feed (live server or embedded replay)
 * and keeps the 3D lanes, task markers, chart, HUD and controls in step; renders on every animation frame.
 * The panels stack in a sidebar right of the 3D view, so they never cover a robot or a lane label.
 */
import { Box3 } from 'three';
import type { ClientMessage, PoseFrame, ServerMessage, ServerState } from '../../protocol.js';
import type { SceneInfo, ViewerTask } from '../../source.js';
import { CameraFraming } from './camera-framing.js';
import { AdaptationChart } from './chart.js';
import { ControlPanel, type FollowChoice } from './control-panel.js';
import { el } from './dom.js';
import type { ConnectionState, Feed, FeedHandlers } from './feed.js';
import { GoalDrag } from './goal-drag.js';
import { Hud, type HudView } from './hud.js';
import { LanesView } from './lanes-view.js';
import { RateMeter } from './rate-meter.js';
import { Stage, type ScreenPoint } from './stage.js';
import { taskEditorFor, type TaskEditor } from './task-editors.js';
import { describeTask, viewTask } from './task-view.js';
import type { ViewerHooks } from './test-hooks.js';

const SUCCESS_COLOUR = '#2bb673';
const FAILURE_COLOUR = '#e4572e';
const MAX_ERRORS_KEPT = 50;
/** Longest time step the camera glides by (s), after a stall. */
const MAX_GLIDE_STEP = 0.25;

/** One lane's finished episode. */
interface LaneResult {
  return: number;
  success: boolean | null;
}

export class App {
  private readonly stage: Stage;
  private readonly hud: Hud;
  private readonly panel: ControlPanel;
  private readonly chart: AdaptationChart;
  private readonly goalDrag: GoalDrag;
  private readonly framing: CameraFraming;
  private readonly box = new Box3();
  private readonly frameRate = new RateMeter();
  private readonly renderRate = new RateMeter();
  private feed: Feed | undefined;
  private scene: SceneInfo | undefined;
  private sceneKey = '';
  private lanes: LanesView | undefined;
  private editor: TaskEditor | undefined;
  private task: ViewerTask | null = null;
  private take = 0;
  private step = 0;
  private lengths: number[] = [];
  private results: Array<LaneResult | undefined> = [];
  private state: ServerState = { paused: false, speed: 1 };
  private droppedFrames = 0;
  private connection: ConnectionState = 'connecting';
  private metrics: Record<string, number> = {};
  private errors: string[] = [];
  private lastTaskSent: ViewerTask | null = null;
  private pendingFrame: PoseFrame | undefined;
  private framesReceived = 0;
  private framesRendered = 0;
  private follow: FollowChoice = 'all';
  private lastRender = performance.now();

  /** Handlers to give a feed. */
  readonly handlers: FeedHandlers = {
    message: (m) => this.receive(m),
    frame: (f) => this.receiveFrame(f),
    connection: (state) => (this.connection = state),
  };

  constructor(root: HTMLElement) {
    const view = el('div', { id: 'view', className: 'view' });
    const sidebar = el('div', { id: 'sidebar', className: 'sidebar' });
    root.append(view, sidebar);
    this.stage = new Stage(view);
    this.hud = new Hud(sidebar);
    this.panel = new ControlPanel(sidebar, { send: (m) => this.send(m), follow: (choice) => (this.follow = choice) });
    this.chart = new AdaptationChart(this.panel.chartCanvas);
    this.goalDrag = new GoalDrag(this.stage, () => this.lanes, (goal) => this.setTask({ goal }));
    this.framing = new CameraFraming(this.stage);
    requestAnimationFrame(this.renderLoop);
  }

  /** Take data from `feed` (built with this app's `handlers`) from now on. */
  attach(feed: Feed): void {
    this.feed = feed;
    feed.start();
  }

  /** Record an error to show (server errors, a broken embedded recording). */
  reportError(message: string): void {
    this.errors = [...this.errors, message].slice(-MAX_ERRORS_KEPT);
  }

  /** Read-only state for tests (see test-hooks.ts). */
  hooks(): ViewerHooks {
    const app = this;
    return {
      get mode() {
        return app.feed?.mode ?? 'none';
      },
      get connection() {
        return app.connection;
      },
      get connected() {
        return app.connection === 'connected';
      },
      get framesReceived() {
        return app.framesReceived;
      },
      get framesRendered() {
        return app.framesRendered;
      },
      get hud() {
        return app.hudView();
      },
      get lastTaskSent() {
        return app.lastTaskSent;
      },
      get errors() {
        return [...app.errors];
      },
      get trailPoints() {
        return app.lanes?.trailPoints() ?? [];
      },
      get chartReferences() {
        return app.chart.referenceNames();
      },
      goalScreenPosition: (lane) => app.goalDrag.screenPosition(lane),
      lanePositions: () => app.lanePositions(),
    };
  }

  private send(message: ClientMessage): void {
    this.feed?.send(message);
  }

  private setTask(task: ViewerTask): void {
    this.lastTaskSent = task;
    this.send({ type: 'setTask', task });
  }

  private receive(message: ServerMessage): void {
    switch (message.type) {
      case 'hello':
        this.showScene(message.scene);
        this.state = message.state;
        this.panel.showState(message.state);
        return;
      case 'take':
        return this.startTake(message.take, message.task, message.lengths);
      case 'episode':
        return this.finishLane(message.take, message.lane, { return: message.return, success: message.success });
      case 'curve':
        return this.chart.setCurve(message.take, message.curve);
      case 'metrics':
        this.metrics = message.values;
        return;
      case 'status':
        this.state = { paused: message.paused, speed: message.speed };
        this.droppedFrames = message.droppedFrames;
        this.panel.showState(this.state);
        return;
      case 'error':
        return this.reportError(message.message);
    }
  }

  /** Build the 3D lanes, editor and chart for `scene`, unless it is the scene already shown (a reconnect). */
  private showScene(scene: SceneInfo): void {
    const key = JSON.stringify(scene);
    if (key === this.sceneKey) return;
    this.sceneKey = key;
    this.scene = scene;
    this.lanes?.dispose();
    this.lanes = new LanesView(this.stage, scene);
    this.framing.frame(this.lanes.layout.bounds.clone(), this.lanes.layout.viewDirection);
    this.editor = this.feed?.mode === 'replay' ? undefined : taskEditorFor(scene, (task) => this.setTask(task));
    this.panel.configure(scene.lanes, scene.adaptationAxis, this.editor);
    this.chart.configure(scene.adaptationAxis, scene.referenceCurves);
    this.take = 0;
  }

  private startTake(take: number, task: ViewerTask, lengths: number[]): void {
    this.take = take;
    this.task = task;
    this.lengths = lengths;
    this.step = 0;
    this.results = lengths.map(() => undefined);
    this.pendingFrame = undefined;
    const view = viewTask(task);
    this.editor?.show(view);
    this.chart.startTake(take, lengths.length);
    const lanes = this.lanes;
    if (!lanes) return;
    lanes.startTake(view, Math.max(0, ...lengths));
    this.scene?.lanes.forEach((label, lane) => lanes.setLabel(lane, label));
    // Every lane starts from its origin again: frame them there, seen from where the user looks from.
    if (this.follow === 'all') this.framing.frame(lanes.markers.expandBox(lanes.layout.bounds.clone()));
  }

  private finishLane(take: number, lane: number, result: LaneResult): void {
    if (take !== this.take || !this.scene) return;
    this.results[lane] = result;
    const accent = result.success === null ? undefined : result.success ? SUCCESS_COLOUR : FAILURE_COLOUR;
    this.lanes?.setLabel(lane, `${this.scene.lanes[lane]} · R ${result.return.toFixed(1)}${successMark(result.success)}`, accent);
    this.chart.episode(take, lane, result.return);
  }

  private receiveFrame(frame: PoseFrame): void {
    this.framesReceived++;
    this.frameRate.tick();
    const bodies = this.scene?.robot.bodies.length;
    if (frame.take !== this.take || frame.lanes !== this.lengths.length || frame.bodies !== bodies) return;
    this.pendingFrame = frame;
  }

  private readonly renderLoop = (): void => {
    requestAnimationFrame(this.renderLoop);
    const now = performance.now();
    const seconds = Math.min(MAX_GLIDE_STEP, (now - this.lastRender) / 1000);
    this.lastRender = now;
    const lanes = this.lanes;
    if (lanes && this.scene) {
      if (this.pendingFrame) {
        lanes.applyFrame(this.pendingFrame);
        this.step = this.pendingFrame.step;
        this.pendingFrame = undefined;
      }
      lanes.update(this.step * this.scene.dt);
      this.aimCamera(lanes, seconds);
    }
    this.stage.render();
    lanes?.placeLabels();
    this.framesRendered++;
    this.renderRate.tick();
    this.hud.show(this.hudView());
  };

  /** Follow the lanes as the follow menu says: all of them in view, one lane's robot, or not at all. */
  private aimCamera(lanes: LanesView, seconds: number): void {
    if (this.follow === 'all') return this.framing.track(lanes.contentBox(this.box), seconds);
    const root = this.follow === 'free' ? undefined : lanes.rootOf(this.follow);
    if (root) this.stage.follow(root);
  }

  /** Page positions of every lane's origin and root body (for tests). */
  private lanePositions(): Array<{ origin: ScreenPoint; root: ScreenPoint }> {
    const lanes = this.lanes;
    if (!lanes) return [];
    return lanes.layout.origins.map((origin, lane) => ({ origin: this.stage.pagePosition(origin), root: this.stage.pagePosition(lanes.rootOf(lane) ?? origin) }));
  }

  private hudView(): HudView {
    const labels = this.scene?.lanes ?? [];
    return {
      envId: this.scene?.envId ?? 'waiting for the server…',
      algorithm: this.scene?.algorithm ?? '',
      task: describeTask(this.task),
      take: this.take,
      step: this.step,
      steps: Math.max(0, ...this.lengths),
      paused: this.state.paused,
      speed: this.state.speed,
      lanes: labels.map((label, i) => laneLine(label, this.results[i])),
      renderFps: this.renderRate.perSecond(),
      framesPerSecond: this.frameRate.perSecond(),
      droppedFrames: this.droppedFrames,
      connection: this.connection,
      metrics: this.metrics,
      message: this.errors[this.errors.length - 1] ?? '',
    };
  }
}

function laneLine(label: string, result: LaneResult | undefined): string {
  return result ? `${label}: return ${result.return.toFixed(2)}${successMark(result.success)}` : `${label}: running…`;
}

function successMark(success: boolean | null): string {
  return success === null ? '' : success ? ' ✓' : ' ✗';
}
