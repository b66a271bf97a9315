/**
 * PlaybackClock: when each control step of a take is due in wall-clock time, at a speed factor. Pure (the
 * caller passes the current time), shared by the server loop and the offline replay.
 */
export class PlaybackClock {
  private anchorMs = 0;
  private anchorStep = 0;

  /**
   * @param dt control step (s) of one frame
   * @param speed playback speed factor (x real time)
   */
  constructor(private readonly dt: number, private speed = 1) {}

  /** Step `step` is due at `nowMs` (ms, any monotonic clock); later steps follow at dt / speed. */
  anchor(step: number, nowMs: number): void {
    this.anchorStep = step;
    this.anchorMs = nowMs;
  }

  /** Change the speed factor, keeping `step` due at `nowMs`. */
  setSpeed(speed: number, step: number, nowMs: number): void {
    this.speed = speed;
    this.anchor(step, nowMs);
  }

  /** Wall-clock time (ms) at which `step` is due. */
  dueAt(step: number): number {
    return this.anchorMs + ((step - this.anchorStep) * this.dt * 1000) / this.speed;
  }
}
