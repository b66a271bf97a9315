/**
 * The 3D content of one scene: a robot, a label and task markers per lane, laid out side by side, moved by
 * pose frames. Labels float above each lane's root body.
 */
import { Vector3 } from 'three';
import type { PoseFrame } from '../../protocol.js';
import type { SceneInfo } from '../../source.js';
import type { FollowChoice } from './control-panel.js';
import { laneLayout, type LaneLayout } from './lane-layout.js';
import { RobotModel, robotTemplate } from './robot-model.js';
import type { Stage } from './stage.js';
import { TaskMarkers } from './task-markers.js';
import type { TaskView } from './task-view.js';
import { TextSprite } from './text-sprite.js';

/** Label height, in view sizes. */
const LABEL_HEIGHT = 0.035;

export class LanesView {
  readonly layout: LaneLayout;
  readonly markers: TaskMarkers;
  private readonly robots: RobotModel[];
  private readonly labels: TextSprite[];
  private readonly scratch = new Vector3();

  constructor(stage: Stage, scene: SceneInfo) {
    this.layout = laneLayout(scene);
    const { origins, robotHeight, viewSize, cameraOffset } = this.layout;
    const centre = new Vector3(0, origins[origins.length - 1].y / 2, robotHeight / 2);
    stage.reset(centre, cameraOffset, viewSize, scene.ground);
    const template = robotTemplate(scene.robot);
    this.robots = origins.map((origin) => {
      const robot = new RobotModel(template);
      robot.object.position.copy(origin);
      return robot;
    });
    this.labels = scene.lanes.map((label) => {
      const sprite = new TextSprite(LABEL_HEIGHT * viewSize);
      sprite.setText(label);
      return sprite;
    });
    this.markers = new TaskMarkers(this.layout);
    stage.content.add(...this.robots.map((r) => r.object), ...this.labels.map((l) => l.sprite), this.markers.object);
    this.placeLabels();
  }

  /** Draw the markers of the task playing. */
  showTask(view: TaskView): void {
    this.markers.show(view);
  }

  /** Set lane `lane`'s label text; `accent` colours its border. */
  setLabel(lane: number, text: string, accent?: string): void {
    this.labels[lane]?.setText(text, accent);
  }

  /** Pose every lane's robot from `frame` (its lanes and bodies match the scene). */
  applyFrame(frame: PoseFrame): void {
    this.robots.forEach((robot, lane) => robot.setPose(frame.poses, lane));
    this.placeLabels();
  }

  /** Animate markers to `seconds` into the take. */
  update(seconds: number): void {
    this.markers.update(seconds);
  }

  /** The point the camera should track for `choice`, or undefined for a free camera. */
  followPoint(choice: FollowChoice): Vector3 | undefined {
    if (choice === 'free') return undefined;
    if (choice !== 'all') return this.robots[choice]?.rootPosition(new Vector3());
    const sum = new Vector3();
    for (const robot of this.robots) sum.add(robot.rootPosition(this.scratch));
    return sum.divideScalar(this.robots.length);
  }

  private placeLabels(): void {
    const lift = this.layout.robotHeight + 1.5 * LABEL_HEIGHT * this.layout.viewSize;
    this.labels.forEach((label, lane) => {
      const root = this.robots[lane].rootPosition(this.scratch);
      label.sprite.position.set(root.x, root.y, lift);
    });
  }
}
