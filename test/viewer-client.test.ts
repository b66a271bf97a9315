/**
 * The viewer client's scene logic, without a browser (three.js objects only, no rendering): every task
 * family draws its task in every lane, lanes are laid out so they do not overlap on the screen, the camera
 * framing fits a box to the view, and trails grow, skip repeated points and start over each take.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Box3, Vector3 } from 'three';
import { envSpec } from '../envs/index.js';
import type { SceneInfo } from '../viewer/source.js';
import { fitDistance } from '../viewer/client/src/camera-framing.js';
import { laneLayout } from '../viewer/client/src/lane-layout.js';
import { TaskMarkers } from '../viewer/client/src/task-markers.js';
import { viewTask } from '../viewer/client/src/task-view.js';
import { LaneTrails } from '../viewer/client/src/trails.js';

/** The scene `metarl view` shows for `envId` with `lanes` lanes. */
function sceneOf(envId: string, lanes = 3): SceneInfo {
  const def = envSpec(envId).def;
  return {
    envId,
    algorithm: 'random',
    robot: def.robot,
    ground: def.physics.ground,
    dt: def.physics.dt * def.physics.frameSkip,
    lanes: Array.from({ length: lanes }, (_, i) => `lane ${i}`),
    taskParameters: def.tasks.parameters.map((p) => ({ ...p })),
    adaptationAxis: 'inner steps',
  };
}

describe('task markers', () => {
  const families = [
    { envId: 'PointNav-v0', kind: 'goal' },
    { envId: 'AntGoal-v0', kind: 'goal' },
    { envId: 'ReacherGoal-v0', kind: 'goal' },
    { envId: 'CheetahVel-v0', kind: 'velocity' },
    { envId: 'CheetahDir-v0', kind: 'direction' },
    { envId: 'AntDir-v0', kind: 'angle' },
  ];
  for (const { envId, kind } of families) {
    it(`${envId}: a marker (${kind}) in every lane, at that lane`, () => {
      const layout = laneLayout(sceneOf(envId));
      const task = envSpec(envId).def.tasks.testTasks(1)[0];
      const view = viewTask(task);
      assert.equal(view.kind, kind);
      const markers = new TaskMarkers(layout);
      markers.show(view);
      assert.equal(markers.object.children.length, layout.origins.length);
      markers.object.children.forEach((marker, lane) => {
        const offset = marker.position.clone().sub(layout.origins[lane]);
        const expected = view.kind === 'goal' ? new Vector3(view.goal[0], view.goal[1], 0) : new Vector3();
        assert.ok(offset.distanceTo(expected) < 1e-9, `lane ${lane}'s marker at ${offset.toArray()}, expected ${expected.toArray()}`);
      });
    });
  }

  it('a dynamics task has no marker (the HUD describes it)', () => {
    const markers = new TaskMarkers(laneLayout(sceneOf('HopperParams-v0')));
    markers.show(viewTask(envSpec('HopperParams-v0').def.tasks.testTasks(1)[0]));
    assert.equal(markers.object.children.length, 0);
  });
});

describe('lane layout', () => {
  it('runners seen from the side are spaced wider than they are tall, so their lanes do not overlap on the screen', () => {
    for (const envId of ['CheetahDir-v0', 'HopperParams-v0']) {
      const layout = laneLayout(sceneOf(envId));
      assert.equal(layout.labelPlacement, 'behind');
      assert.ok(layout.spacing >= layout.robotHeight, `${envId}: spacing ${layout.spacing} m, robot ${layout.robotHeight} m tall`);
    }
  });

  it('the first view holds every lane origin, the robot around it and the square its goals are drawn from', () => {
    const layout = laneLayout(sceneOf('PointNav-v0', 4));
    assert.equal(layout.labelPlacement, 'column');
    for (const origin of layout.origins) {
      for (const corner of [new Vector3(0.5, 0.5, 0), new Vector3(-0.5, -0.5, layout.robotHeight)]) assert.ok(layout.bounds.containsPoint(origin.clone().add(corner)));
    }
  });
});

describe('camera framing', () => {
  it('at the fitted distance every corner of the box is within the span, one of them on its edge', () => {
    const box = new Box3(new Vector3(-1, -3, 0), new Vector3(15, 0.5, 1));
    const target = box.getCenter(new Vector3());
    const toCamera = new Vector3(0.2, -1, 1).normalize();
    const up = new Vector3(0, 0, 1);
    const span = { x: 0.6, y: 0.35 };
    const distance = fitDistance(box, target, toCamera, up, span);
    const right = new Vector3().crossVectors(up, toCamera).normalize();
    const upward = new Vector3().crossVectors(toCamera, right);
    let widest = 0;
    for (let i = 0; i < 8; i++) {
      const q = new Vector3(i & 1 ? box.max.x : box.min.x, i & 2 ? box.max.y : box.min.y, i & 4 ? box.max.z : box.min.z).sub(target);
      const depth = distance - q.dot(toCamera);
      const used = Math.max(Math.abs(q.dot(right)) / depth / span.x, Math.abs(q.dot(upward)) / depth / span.y);
      assert.ok(used <= 1 + 1e-9, `corner ${i} off the view (${used.toFixed(3)} of the span)`);
      widest = Math.max(widest, used);
    }
    assert.ok(widest > 1 - 1e-9, 'the box fills the span');
  });

  it('looking straight down still fits the box', () => {
    const box = new Box3(new Vector3(-2, -1, 0), new Vector3(2, 1, 0.5));
    const distance = fitDistance(box, new Vector3(0, 0, 0.25), new Vector3(0, 0, 1), new Vector3(0, 0, 1), { x: 0.5, y: 0.5 });
    assert.ok(Number.isFinite(distance) && distance >= 4, `distance ${distance}`);
  });
});

describe('trails', () => {
  it('grow as robots move, skip points closer than the least step, and start over each take (longer takes too)', () => {
    const trails = new LaneTrails(['#000000', '#ffffff'], 0.01, 0.05);
    trails.clear(10);
    for (let t = 0; t < 5; t++) {
      trails.extend(0, 0.1 * t, 0);
      trails.extend(1, 0, 0.03 * t); // every other point is within the least step of the last one kept
    }
    assert.deepEqual(trails.points(), [5, 3]);
    trails.clear(1000);
    assert.deepEqual(trails.points(), [0, 0]);
    for (let t = 0; t < 1000; t++) trails.extend(0, 0.1 * t, 0);
    assert.deepEqual(trails.points(), [1000, 0]);
  });
});
