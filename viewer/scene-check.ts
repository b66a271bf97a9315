/**
 * Check an untrusted SceneInfo (a hello message, an embedded recording) down to the robot's shapes, so the
 * renderer can trust every field it reads. No Node or DOM imports.
 */
import type { ActuatorSpec, BodySpec, RobotSpec, RootMode, ShapeSpec, Vec3 } from '../sim/robot-spec.js';
import { asArray, asBoolean, asNumber, asNumberArray, asObject, asString, asStringArray, JsonShapeError } from './json-guards.js';
import type { ReferenceCurve, SceneInfo, ViewerTaskParameter } from './source.js';

const ROOT_MODES: readonly RootMode[] = ['free', 'planar-xz', 'planar-xy', 'fixed'];

/** `value` as a SceneInfo, or a JsonShapeError naming the first bad field under `path`. */
export function asSceneInfo(value: unknown, path: string): SceneInfo {
  const obj = asObject(value, path);
  return {
    envId: asString(obj.envId, `${path}.envId`),
    algorithm: asString(obj.algorithm, `${path}.algorithm`),
    robot: asRobotSpec(obj.robot, `${path}.robot`),
    ground: asBoolean(obj.ground, `${path}.ground`),
    dt: asNumber(obj.dt, `${path}.dt`, 1e-6, 60),
    lanes: nonEmpty(asStringArray(obj.lanes, `${path}.lanes`), `${path}.lanes`),
    taskParameters: asArray(obj.taskParameters, `${path}.taskParameters`).map((p, i) => asTaskParameter(p, `${path}.taskParameters[${i}]`)),
    adaptationAxis: asString(obj.adaptationAxis, `${path}.adaptationAxis`),
    ...(obj.referenceCurves === undefined ? {} : { referenceCurves: asArray(obj.referenceCurves, `${path}.referenceCurves`).map((c, i) => asReferenceCurve(c, `${path}.referenceCurves[${i}]`)) }),
  };
}

function asReferenceCurve(value: unknown, path: string): ReferenceCurve {
  const obj = asObject(value, path);
  return { name: asString(obj.name, `${path}.name`), label: asString(obj.label, `${path}.label`), mean: nonEmpty(asNumberArray(obj.mean, `${path}.mean`), `${path}.mean`) };
}

function nonEmpty<T>(items: T[], path: string): T[] {
  if (items.length === 0) throw new JsonShapeError(`${path} must not be empty`);
  return items;
}

function asTaskParameter(value: unknown, path: string): ViewerTaskParameter {
  const obj = asObject(value, path);
  return {
    name: asString(obj.name, `${path}.name`),
    description: asString(obj.description, `${path}.description`),
    units: asString(obj.units, `${path}.units`),
    size: asNumber(obj.size, `${path}.size`, 1, 1e6),
    distribution: asString(obj.distribution, `${path}.distribution`),
  };
}

/** The fields of a RobotSpec the viewer draws (bodies and shapes), checked; joints and actuators pass through. */
function asRobotSpec(value: unknown, path: string): RobotSpec {
  const obj = asObject(value, path);
  const rootMode = asString(obj.rootMode, `${path}.rootMode`) as RootMode;
  if (!ROOT_MODES.includes(rootMode)) throw new JsonShapeError(`${path}.rootMode must be one of ${ROOT_MODES.join(', ')}`);
  return {
    name: asString(obj.name, `${path}.name`),
    rootMode,
    bodies: nonEmpty(asArray(obj.bodies, `${path}.bodies`), `${path}.bodies`).map((b, i) => asBody(b, `${path}.bodies[${i}]`)),
    actuators: asArray(obj.actuators, `${path}.actuators`) as ActuatorSpec[],
    friction: asNumber(obj.friction, `${path}.friction`),
  };
}

function asBody(value: unknown, path: string): BodySpec {
  const obj = asObject(value, path);
  return {
    ...(obj as unknown as BodySpec),
    name: asString(obj.name, `${path}.name`),
    position: asVec3(obj.position, `${path}.position`),
    shapes: nonEmpty(asArray(obj.shapes, `${path}.shapes`), `${path}.shapes`).map((s, i) => asShape(s, `${path}.shapes[${i}]`)),
  };
}

function asShape(value: unknown, path: string): ShapeSpec {
  const obj = asObject(value, path);
  const radius = (): number => asNumber(obj.radius, `${path}.radius`, 0);
  switch (obj.kind) {
    case 'capsule':
      return { kind: 'capsule', from: asVec3(obj.from, `${path}.from`), to: asVec3(obj.to, `${path}.to`), radius: radius() };
    case 'sphere':
      return { kind: 'sphere', center: asVec3(obj.center, `${path}.center`), radius: radius() };
    case 'box':
      return { kind: 'box', center: asVec3(obj.center, `${path}.center`), halfExtents: asVec3(obj.halfExtents, `${path}.halfExtents`) };
    default:
      throw new JsonShapeError(`${path}.kind must be capsule, sphere or box`);
  }
}

function asVec3(value: unknown, path: string): Vec3 {
  const [x, y, z] = asNumberArray(value, path, 3);
  return [x, y, z];
}
