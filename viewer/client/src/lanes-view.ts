/**
 * The content of one scene: a robot, a trail, task markers and a label per lane, laid out side by side and
 * moved by pose frames. Robots, trails and markers are in the 3D scene; labels are HTML over the view.
 */
import { Box3, Vector3 } from 'three';
import type { PoseFrame } from '../../protocol.js';
import type { SceneInfo } from '../../source.js';
import { laneColour } from './lane-colours.js';
import { LaneLabels } from './lane-labels.js';
import { laneLayout, type LaneLayout } from './lane-layout.js';
import { RobotModel, robotTemplate } from './robot-model.js';
import type { ScreenPoint, Stage } from './stage.js';
import { TaskMarkers } from './task-markers.js';
import type { TaskView } from './task-view.js';
import { LaneTrails } from './trails.js';

/** Trail height above the ground and least step between trail points, in robot sizes. */
const TRAIL_LIFT = 0.03;
const TRAIL_STEP = 0.01;

export class LanesView {
  readonly layout: LaneLayout;
  readonly markers: TaskMarkers;
  private readonly robots: RobotModel[];
  private readonly trails: LaneTrails;
  private readonly labels: LaneLabels;
  private readonly scratch = new Vector3();
  private readonly robotBox = new Box3();

  constructor(private readonly stage: Stage, scene: SceneInfo) {
    this.layout = laneLayout(scene);
    const { origins, robotSize, viewSize, labelPlacement } = this.layout;
    stage.reset(viewSize, scene.ground);
    const template = robotTemplate(scene.robot);
    this.robots = origins.map((origin) => {
      const robot = new RobotModel(template);
      robot.object.position.copy(origin);
      return robot;
    });
    const colours = scene.lanes.map((_, lane) => laneColour(lane));
    this.trails = new LaneTrails(colours, TRAIL_LIFT * robotSize, TRAIL_STEP * robotSize);
    this.labels = new LaneLabels(stage.container, scene.lanes, colours, labelPlacement);
    this.markers = new TaskMarkers(this.layout);
    stage.content.add(...this.robots.map((r) => r.object), this.trails.object, this.markers.object);
  }

  /** A take of up to `steps` steps per lane starts on `view`'s task: its markers, robots at rest at their origins, empty trails. */
  startTake(view: TaskView, steps: number): void {
    this.markers.show(view);
    for (const robot of this.robots) robot.rest();
    this.trails.clear(steps);
  }

  /** Set lane `lane`'s label text; `accent` colours its border. */
  setLabel(lane: number, text: string, accent?: string): void {
    this.labels.setText(lane, text, accent);
  }

  /** Pose every lane's robot from `frame` (its lanes and bodies match the scene) and extend its trail. */
  applyFrame(frame: PoseFrame): void {
    this.robots.forEach((robot, lane) => {
      robot.setPose(frame.poses, lane);
      const root = robot.rootPosition(this.scratch);
      this.trails.extend(lane, root.x, root.y);
    });
  }

  /** Animate markers to `seconds` into the take. */
  update(seconds: number): void {
    this.markers.update(seconds);
  }

  /** World position of lane `lane`'s root body, undefined for a lane the scene does not have. */
  rootOf(lane: number): Vector3 | undefined {
    return this.robots[lane]?.rootPosition(new Vector3());
  }

  /** `out` set to a box holding every lane's robot where it is now (as in its rest pose), and every task marker. */
  contentBox(out: Box3): Box3 {
    out.makeEmpty();
    for (const robot of this.robots) out.union(this.robotBox.copy(this.layout.robotBox).translate(robot.rootPosition(this.scratch).setZ(0)));
    return this.markers.expandBox(out);
  }

  /** Put the labels by their robots (camera as last rendered). */
  placeLabels(): void {
    this.labels.place(this.robots.map((_, lane) => this.labelAnchor(lane)));
  }

  /** Points in each lane's trail. */
  trailPoints(): number[] {
    return this.trails.points();
  }

  /** Take the labels off the page (the 3D content goes with the stage's next reset). */
  dispose(): void {
    this.labels.remove();
  }

  /** Where lane `lane`'s label attaches on the screen: its origin (a column), or behind its robot at root height. */
  private labelAnchor(lane: number): ScreenPoint {
    const { robotBox, rootHeight, labelPlacement, origins } = this.layout;
    if (labelPlacement === 'column') return this.stage.project(origins[lane]);
    const root = this.robots[lane].rootPosition(this.scratch);
    return this.stage.project(root.set(root.x + robotBox.min.x, root.y, rootHeight));
  }
}
