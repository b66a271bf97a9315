/**
 * The 3D stage: WebGL renderer, z-up perspective camera with orbit controls, lights with shadows, and the
 * z = 0 plane (a shadow-receiving ground with a grid where the scene has a ground, a see-through grid
 * otherwise). Everything shown per scene goes into `content`, which `reset` empties.
 */
import {
  AmbientLight, CanvasTexture, Color, DirectionalLight, Group, HemisphereLight, MathUtils, Mesh, MeshBasicMaterial, MeshStandardMaterial, PCFShadowMap,
  PerspectiveCamera, PlaneGeometry, RepeatWrapping, Scene, SRGBColorSpace, Vector3, WebGLRenderer,
} from 'three';
import { OrbitControls } from 'three/examples/jsm/controls/OrbitControls.js';
import type { ViewSpan } from './camera-framing.js';
import { disposeTree } from './dispose.js';

/** A point on the screen (CSS pixels). */
export interface ScreenPoint {
  x: number;
  y: number;
}

export class Stage {
  readonly scene = new Scene();
  readonly camera = new PerspectiveCamera(45, 1, 0.01, 2000);
  readonly renderer: WebGLRenderer;
  readonly controls: OrbitControls;
  /** Per-scene objects (robots, markers, trails, ground). */
  readonly content = new Group();
  private readonly sun = new DirectionalLight(0xffffff, 2.2);
  private viewSize = 1;

  /** @param container the element the canvas fills (overlays such as lane labels go in it too). */
  constructor(readonly container: HTMLElement) {
    this.renderer = new WebGLRenderer({ antialias: true, preserveDrawingBuffer: true });
    this.renderer.setPixelRatio(Math.min(window.devicePixelRatio, 2));
    this.renderer.shadowMap.enabled = true;
    this.renderer.shadowMap.type = PCFShadowMap;
    container.appendChild(this.renderer.domElement);
    this.scene.background = new Color(0xdfe6ee);
    this.camera.up.set(0, 0, 1);
    this.controls = new OrbitControls(this.camera, this.renderer.domElement);
    this.controls.enableDamping = true;
    this.scene.add(new HemisphereLight(0xffffff, 0x8899aa, 1.1), new AmbientLight(0xffffff, 0.25), this.sun, this.sun.target, this.content);
    this.sun.castShadow = true;
    this.sun.shadow.mapSize.set(2048, 2048);
    new ResizeObserver(() => this.resize()).observe(container);
    this.resize();
  }

  /** Empty the content and lay out the ground (grid, shadows, clipping planes) for a view of `size` (m). */
  reset(size: number, ground: boolean): void {
    disposeTree(this.content);
    this.content.clear();
    this.viewSize = size;
    this.content.add(groundPlane(size, ground, this.renderer));
    this.camera.near = size / 200;
    this.camera.far = size * 400;
    this.camera.updateProjectionMatrix();
  }

  /** Tangents of the half-angles around the view axis of the canvas less `margin` (CSS pixels) on the sides and `marginTop` above and below. */
  viewSpan(margin: number, marginTop: number): ViewSpan {
    const { clientWidth: w, clientHeight: h } = this.container;
    const tan = Math.tan(MathUtils.degToRad(this.camera.fov / 2));
    return { x: tan * this.camera.aspect * Math.max(0.1, 1 - (2 * margin) / w), y: tan * Math.max(0.1, 1 - (2 * marginTop) / h) };
  }

  /** Where the world point `p` appears on the canvas (CSS pixels, relative to the canvas; camera as last rendered). */
  project(p: Vector3): ScreenPoint {
    const ndc = p.clone().project(this.camera);
    const { clientWidth: w, clientHeight: h } = this.container;
    return { x: ((ndc.x + 1) / 2) * w, y: ((1 - ndc.y) / 2) * h };
  }

  /** Where the world point `p` appears on the page (CSS pixels). */
  pagePosition(p: Vector3): ScreenPoint {
    const { x, y } = this.project(p);
    const rect = this.renderer.domElement.getBoundingClientRect();
    return { x: rect.left + x, y: rect.top + y };
  }

  /** Keep the orbit target over `point` (m; horizontally, so a bobbing robot does not shake the view). */
  follow(point: Vector3): void {
    const delta = new Vector3(point.x - this.controls.target.x, point.y - this.controls.target.y, 0);
    this.controls.target.add(delta);
    this.camera.position.add(delta);
  }

  /** Draw one frame. */
  render(): void {
    this.controls.update();
    this.fitShadow();
    this.renderer.render(this.scene, this.camera);
  }

  /** Shadows over the view size or, zoomed out further, over what the camera sees. */
  private fitShadow(): void {
    const centre = this.controls.target;
    const s = Math.max(this.viewSize, 0.6 * this.camera.position.distanceTo(centre));
    this.sun.position.copy(centre).add(new Vector3(0.4 * s, -0.6 * s, 1.5 * s));
    this.sun.target.position.copy(centre);
    const cam = this.sun.shadow.camera;
    [cam.left, cam.right, cam.bottom, cam.top, cam.near, cam.far] = [-s, s, -s, s, 0.01 * s, 4 * s];
    cam.updateProjectionMatrix();
  }

  private resize(): void {
    const { clientWidth: w, clientHeight: h } = this.container;
    if (w === 0 || h === 0) return;
    this.renderer.setSize(w, h);
    this.camera.aspect = w / h;
    this.camera.updateProjectionMatrix();
  }
}

/**
 * The z = 0 plane, 400 view sizes wide, textured with a grid whose cell is a power of ten near a quarter
 * of the view size (every tenth line bold): an opaque, shadow-receiving ground where the scene has one,
 * a see-through grid otherwise. A texture rather than line segments: lines reaching behind the camera
 * are dropped by some software rasterisers, and mipmaps keep the far grid free of moiré.
 */
function groundPlane(size: number, ground: boolean, renderer: WebGLRenderer): Mesh {
  const cell = 10 ** Math.floor(Math.log10(size / 4));
  const width = 400 * size;
  const texture = new CanvasTexture(gridCanvas(ground));
  texture.wrapS = texture.wrapT = RepeatWrapping;
  texture.repeat.set(width / (GRID_TILE_CELLS * cell), width / (GRID_TILE_CELLS * cell));
  texture.anisotropy = Math.min(MAX_ANISOTROPY, renderer.capabilities.getMaxAnisotropy());
  texture.colorSpace = SRGBColorSpace;
  const material = ground
    ? new MeshStandardMaterial({ map: texture, roughness: 0.95 })
    : new MeshBasicMaterial({ map: texture, transparent: true, depthWrite: false });
  const plane = new Mesh(new PlaneGeometry(width, width), material);
  plane.receiveShadow = ground;
  return plane;
}

/** Anisotropic filtering of the grid: sharp at grazing angles, affordable for software renderers. */
const MAX_ANISOTROPY = 4;
/** Cells per texture tile (the tile's first line is bold). */
const GRID_TILE_CELLS = 10;

/** One texture tile: GRID_TILE_CELLS x GRID_TILE_CELLS cells on the ground colour (or transparent). */
function gridCanvas(ground: boolean): HTMLCanvasElement {
  const pixels = 512;
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = pixels;
  const ctx = canvas.getContext('2d');
  if (!ctx) return canvas;
  if (ground) {
    ctx.fillStyle = '#eef1f4';
    ctx.fillRect(0, 0, pixels, pixels);
  }
  ctx.fillStyle = ground ? '#b9c3cd' : 'rgba(110, 125, 140, 0.45)';
  const step = pixels / GRID_TILE_CELLS;
  for (let i = 0; i < GRID_TILE_CELLS; i++) {
    const thickness = i === 0 ? 6 : 2;
    ctx.fillRect(i * step, 0, thickness, pixels);
    ctx.fillRect(0, i * step, pixels, thickness);
  }
  return canvas;
}
