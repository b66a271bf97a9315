/**
 * TakePlayer: the server's playback loop. It records takes through a {@link RecordQueue}, plays each take
 * one binary frame per control step at dt / speed of wall-clock time (setTimeout, pausable), reports lane
 * episodes and the take's end, then moves to the next take. The next take is recorded while the last frame
 * of the current one is held: sources that compute in this thread (physics, networks) then pause the show
 * between takes rather than in the middle of one. A user task stays pinned (replayed with new seeds) until
 * `newTask`. It knows nothing about clients: the server fans its events out.
 */
import { PlaybackClock } from './playback-clock.js';
import { encodeFrame, POSE_FLOATS, type ServerState } from './protocol.js';
import { RecordQueue } from './record-queue.js';
import type { LaneRecording, Take, TakeSource, ViewerTask } from './source.js';
import { lanesEndingAt, takeSteps, writeLanePoses } from './take-frames.js';

/** What the player reports, in order, for every take it plays. */
export interface PlayerEvents {
  takeStarted(takeNumber: number, take: Take): void;
  /** One encoded binary frame (see protocol.ts) for `step` of the take playing. */
  frame(bytes: Uint8Array): void;
  episodeEnded(takeNumber: number, lane: number, recording: LaneRecording): void;
  /** The last step was sent (the take's curve can be shown). */
  takeEnded(takeNumber: number, take: Take): void;
  /** Recording the next take failed (the player retries after a pause). */
  recordFailed(message: string): void;
}

/** Player settings. */
export interface TakePlayerOptions {
  /** Seed of the first take (default 0); later takes count up from it. */
  firstSeed?: number;
  /** Pause (ms of wall-clock time at speed 1) between a take's last frame and the next take (default 800). */
  holdMs?: number;
  /** Wait (ms) before retrying after a failed recording (default 1000). */
  retryMs?: number;
}

/** Most frames sent in one timer callback; when further behind, the clock slips instead of bursting. */
const MAX_FRAMES_PER_TICK = 8;

interface Playing {
  number: number;
  take: Take;
  steps: number;
  /** Next step to send. */
  step: number;
}

/** A take recorded ahead for the task choice of `epoch` (the result is settled: no unhandled rejections). */
interface Ahead {
  epoch: number;
  result: Promise<{ take: Take } | { error: string }>;
}

export class TakePlayer {
  private readonly queue: RecordQueue;
  private readonly clock: PlaybackClock;
  private readonly bodies: number;
  private readonly scratch: Float32Array;
  private readonly holdMs: number;
  private readonly retryMs: number;
  private playing: Playing | undefined;
  private ahead: Ahead | undefined;
  /** Counts task choices (setTask / newTask): a take recorded ahead for an older choice is discarded. */
  private epoch = 0;
  private pinnedTask: unknown | undefined;
  private takesStarted = 0;
  private paused = false;
  private speed = 1;
  /** The take playing has ended and the next one is being waited for. */
  private awaitingNext = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;

  constructor(source: TakeSource, private readonly events: PlayerEvents, options: TakePlayerOptions = {}) {
    this.queue = new RecordQueue(source, options.firstSeed ?? 0);
    this.clock = new PlaybackClock(source.scene.dt);
    this.bodies = source.scene.robot.bodies.length;
    this.scratch = new Float32Array(source.scene.lanes.length * this.bodies * POSE_FLOATS);
    this.holdMs = options.holdMs ?? 800;
    this.retryMs = options.retryMs ?? 1000;
  }

  /** Record and play the first take. */
  start(): void {
    this.playNext();
  }

  /** Paused flag and speed factor. */
  state(): ServerState {
    return { paused: this.paused, speed: this.speed };
  }

  /** Task of the take playing (or last played), null before the first take. */
  currentTask(): ViewerTask | null {
    return this.playing?.take.task ?? null;
  }

  /** Number of the take playing (0 before the first) and its next step. */
  position(): { take: number; step: number } {
    return { take: this.takesStarted, step: this.playing?.step ?? 0 };
  }

  /** The take playing and its number, if any (for late subscribers). */
  current(): { number: number; take: Take } | undefined {
    return this.playing && { number: this.playing.number, take: this.playing.take };
  }

  pause(): void {
    this.paused = true;
    this.clearTimer();
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    if (this.playing) this.clock.anchor(this.playing.step, performance.now());
    this.continuePlaying();
  }

  /** Set the speed factor (x real time; the protocol checks its range). */
  setSpeed(factor: number): void {
    this.speed = factor;
    this.clock.setSpeed(factor, this.playing?.step ?? 0, performance.now());
    this.clearTimer();
    this.continuePlaying();
  }

  /** Record `task` (the source validates it; rejects with its message) and play it now, pinned until `newTask`. */
  setTask(task: unknown): Promise<void> {
    return this.switchTo(task);
  }

  /** Unpin the user task and play the source's next held-out task now. */
  newTask(): Promise<void> {
    return this.switchTo(undefined);
  }

  /** Stop playing; resolves once the source records nothing any more (takes still arriving are dropped). */
  close(): Promise<void> {
    this.closed = true;
    this.clearTimer();
    clearTimeout(this.retryTimer);
    return this.queue.idle();
  }

  private async switchTo(task: unknown | undefined): Promise<void> {
    const take = await this.queue.record(task);
    if (this.closed) return;
    this.pinnedTask = task === undefined ? undefined : take.task;
    this.epoch++;
    this.ahead = undefined;
    this.begin(take);
  }

  private recordAhead(): Ahead {
    const result = this.queue.record(this.pinnedTask).then(
      (take) => ({ take }),
      (e: unknown) => ({ error: e instanceof Error ? e.message : String(e) }),
    );
    return { epoch: this.epoch, result };
  }

  /** Play the take recorded ahead (recording one if there is none) once it is ready. */
  private playNext(): void {
    const ahead = this.ahead ?? this.recordAhead();
    this.ahead = undefined;
    this.awaitingNext = true;
    void ahead.result.then((outcome) => {
      if (this.closed || ahead.epoch !== this.epoch) return;
      if ('take' in outcome) return this.begin(outcome.take);
      this.events.recordFailed(outcome.error);
      this.retryTimer = setTimeout(() => this.playNext(), this.retryMs);
    });
  }

  private begin(take: Take): void {
    this.clearTimer();
    clearTimeout(this.retryTimer);
    this.awaitingNext = false;
    this.playing = { number: ++this.takesStarted, take, steps: takeSteps(take), step: 0 };
    this.events.takeStarted(this.playing.number, take);
    this.clock.anchor(0, performance.now());
    this.continuePlaying();
  }

  private continuePlaying(): void {
    const playing = this.playing;
    if (this.paused || this.closed || this.awaitingNext || !playing) return;
    if (playing.step < playing.steps) {
      this.timer = setTimeout(this.tick, Math.max(0, this.clock.dueAt(playing.step) - performance.now()));
      return;
    }
    this.timer = setTimeout(() => this.playNext(), this.holdMs / this.speed);
    this.ahead ??= this.recordAhead();
  }

  private readonly tick = (): void => {
    this.timer = undefined;
    const playing = this.playing;
    if (this.paused || this.closed || !playing) return;
    const now = performance.now();
    for (let sent = 0; sent < MAX_FRAMES_PER_TICK && playing.step < playing.steps && this.clock.dueAt(playing.step) <= now; sent++) {
      this.emitStep(playing);
      playing.step++;
    }
    if (playing.step < playing.steps && this.clock.dueAt(playing.step) < now) this.clock.anchor(playing.step, now);
    this.continuePlaying();
  };

  private emitStep(playing: Playing): void {
    const { take, step, number } = playing;
    writeLanePoses(take, step, this.bodies, this.scratch);
    this.events.frame(encodeFrame({ take: number, step, lanes: take.lanes.length, bodies: this.bodies, poses: this.scratch }));
    for (const lane of lanesEndingAt(take, step)) this.events.episodeEnded(number, lane, take.lanes[lane]);
    if (step === playing.steps - 1) this.events.takeEnded(number, take);
  }

  private clearTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
