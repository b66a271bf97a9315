/**
 * Robots drawn from a RobotSpec: one group per body (its frame: position + orientation from the pose
 * stream) holding a mesh per shape, placed in the body frame as the spec says. Each body has its own
 * colour; lanes clone one template (geometry and materials are shared).
 */
import { BoxGeometry, CapsuleGeometry, Group, Mesh, MeshStandardMaterial, Quaternion, SphereGeometry, Vector3, type BufferGeometry, type Object3D } from 'three';
import type { RobotSpec, ShapeSpec } from '../../../sim/robot-spec.js';
import { POSE_FLOATS } from '../../protocol.js';

/** Body colours, by body index (cycled). */
const BODY_COLOURS = [0xe4572e, 0x29335c, 0xf3a712, 0x17bebb, 0x8f2d56, 0x76b041, 0x4f6d7a, 0xdb5461, 0x3b8ea5, 0xf5b841];
const Y_AXIS = new Vector3(0, 1, 0);

/** One robot in the scene: a clone of the spec's template, moved by pose frames. */
export class RobotModel {
  readonly object: Group;
  private readonly bodies: Object3D[];
  /** Each body's position and orientation in the rest pose. */
  private readonly restPose: Array<[Vector3, Quaternion]>;

  constructor(template: Group) {
    this.object = template.clone();
    this.bodies = [...this.object.children];
    this.restPose = this.bodies.map((body) => [body.position.clone(), body.quaternion.clone()]);
  }

  /** Put every body back in the rest pose. */
  rest(): void {
    this.bodies.forEach((body, b) => {
      body.position.copy(this.restPose[b][0]);
      body.quaternion.copy(this.restPose[b][1]);
    });
  }

  /** Set every body from lane `lane` of `poses` ([lanes * bodies * 7]: xyz then quaternion xyzw per body). */
  setPose(poses: Float32Array, lane: number): void {
    const base = lane * this.bodies.length * POSE_FLOATS;
    this.bodies.forEach((body, b) => {
      const i = base + b * POSE_FLOATS;
      body.position.set(poses[i], poses[i + 1], poses[i + 2]);
      body.quaternion.set(poses[i + 3], poses[i + 4], poses[i + 5], poses[i + 6]);
    });
  }

  /** World position of the root body (m). */
  rootPosition(out: Vector3): Vector3 {
    return out.copy(this.bodies[0].position).add(this.object.position);
  }
}

/** The template robot of `spec` in its rest pose; shapes cast shadows. */
export function robotTemplate(spec: RobotSpec): Group {
  const robot = new Group();
  robot.name = spec.name;
  spec.bodies.forEach((body, b) => {
    const material = new MeshStandardMaterial({ color: BODY_COLOURS[b % BODY_COLOURS.length], roughness: 0.55, metalness: 0.1 });
    const frame = new Group();
    frame.name = body.name;
    frame.position.set(...body.position);
    for (const shape of body.shapes) frame.add(shapeMesh(shape, material));
    robot.add(frame);
  });
  return robot;
}

function shapeMesh(shape: ShapeSpec, material: MeshStandardMaterial): Mesh {
  const mesh = new Mesh(shapeGeometry(shape), material);
  mesh.castShadow = true;
  mesh.receiveShadow = true;
  if (shape.kind === 'capsule') placeCapsule(mesh, shape.from, shape.to);
  else mesh.position.set(...shape.center);
  return mesh;
}

function shapeGeometry(shape: ShapeSpec): BufferGeometry {
  switch (shape.kind) {
    case 'sphere':
      return new SphereGeometry(shape.radius, 24, 16);
    case 'box':
      return new BoxGeometry(2 * shape.halfExtents[0], 2 * shape.halfExtents[1], 2 * shape.halfExtents[2]);
    case 'capsule':
      return new CapsuleGeometry(shape.radius, new Vector3(...shape.to).distanceTo(new Vector3(...shape.from)), 6, 16);
  }
}

/** Three's capsule runs along +y around its centre: move it to the segment's midpoint and turn it onto the segment. */
function placeCapsule(mesh: Mesh, from: readonly number[], to: readonly number[]): void {
  const a = new Vector3(from[0], from[1], from[2]);
  const b = new Vector3(to[0], to[1], to[2]);
  mesh.position.copy(a).add(b).multiplyScalar(0.5);
  const axis = b.sub(a);
  if (axis.lengthSq() > 0) mesh.quaternion.copy(new Quaternion().setFromUnitVectors(Y_AXIS, axis.normalize()));
}
