/** Events per second (render frames, received frames), averaged over windows of about one second. */
export class RateMeter {
  private count = 0;
  private windowStart = performance.now();
  private rate = 0;

  /** Count one event. */
  tick(): void {
    this.count++;
  }

  /** Events per second over the last full window. */
  perSecond(): number {
    const now = performance.now();
    const elapsed = now - this.windowStart;
    if (elapsed >= 1000) {
      this.rate = (1000 * this.count) / elapsed;
      this.count = 0;
      this.windowStart = now;
    }
    return this.rate;
  }
}
