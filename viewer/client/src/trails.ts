/**
 * Trails: each lane's root-body path on the ground over the take so far (a line a few pixels wide, in
 * the lane's colour, just above the ground), cleared when a take starts. Each trail is one preallocated
 * segment buffer whose drawn part grows as the robot moves: no allocation per frame.
 */
import { Group, type InterleavedBufferAttribute } from 'three';
import { LineMaterial } from 'three/examples/jsm/lines/LineMaterial.js';
import { LineSegments2 } from 'three/examples/jsm/lines/LineSegments2.js';
import { LineSegmentsGeometry } from 'three/examples/jsm/lines/LineSegmentsGeometry.js';

/** Trail width on the screen (CSS pixels). */
const WIDTH_PX = 3;
/** Segments per lane allocated at first (more when a take is longer). */
const INITIAL_CAPACITY = 256;
/** Floats per segment: start xyz, end xyz. */
const SEGMENT_FLOATS = 6;

/** One lane's trail. */
interface Trail {
  line: LineSegments2;
  /** Segments drawn. */
  segments: number;
  /** Last point (x, y), or undefined before the first. */
  last: [number, number] | undefined;
}

export class LaneTrails {
  readonly object = new Group();
  private readonly trails: Trail[];
  private capacity = INITIAL_CAPACITY;

  /**
   * @param colours one CSS colour per lane.
   * @param lift height above the ground (m).
   * @param minStep points closer than this to the previous one (m) are skipped, e.g. a finished lane's repeated pose.
   */
  constructor(colours: readonly string[], private readonly lift: number, private readonly minStep: number) {
    this.trails = colours.map((colour) => {
      const line = new LineSegments2(segmentBuffer(this.capacity), new LineMaterial({ color: colour, linewidth: WIDTH_PX, worldUnits: false }));
      line.frustumCulled = false; // the bounding sphere is not recomputed as the trail grows
      line.visible = false;
      this.object.add(line);
      return { line, segments: 0, last: undefined };
    });
  }

  /** Empty every trail for a take of up to `steps` points per lane (the buffers grow when needed). */
  clear(steps: number): void {
    if (steps > this.capacity) this.grow(steps);
    for (const trail of this.trails) {
      trail.segments = 0;
      trail.last = undefined;
      trail.line.geometry.instanceCount = 0;
      trail.line.visible = false;
    }
  }

  /** Extend lane `lane`'s trail to (x, y) (m), unless it is within the minimum step of the last point or the buffer is full. */
  extend(lane: number, x: number, y: number): void {
    const trail = this.trails[lane];
    if (!trail) return;
    const last = trail.last;
    if (last && Math.hypot(x - last[0], y - last[1]) < this.minStep) return;
    trail.last = [x, y];
    if (!last || trail.segments >= this.capacity) return;
    const start = trail.line.geometry.attributes.instanceStart as InterleavedBufferAttribute;
    const offset = trail.segments * SEGMENT_FLOATS;
    start.data.array.set([last[0], last[1], this.lift, x, y, this.lift], offset);
    start.data.addUpdateRange(offset, SEGMENT_FLOATS);
    start.data.needsUpdate = true;
    trail.segments++;
    trail.line.geometry.instanceCount = trail.segments;
    trail.line.visible = true;
  }

  /** Points in each lane's trail (for tests). */
  points(): number[] {
    return this.trails.map((t) => (t.last ? t.segments + 1 : 0));
  }

  /** New buffers of `steps` segments per lane (the old ones are freed). */
  private grow(steps: number): void {
    this.capacity = steps;
    for (const { line } of this.trails) {
      line.geometry.dispose();
      line.geometry = segmentBuffer(steps);
    }
  }
}

/** A segment buffer for `capacity` segments, none drawn yet. */
function segmentBuffer(capacity: number): LineSegmentsGeometry {
  const geometry = new LineSegmentsGeometry().setPositions(new Float32Array(capacity * SEGMENT_FLOATS));
  geometry.instanceCount = 0;
  return geometry;
}
