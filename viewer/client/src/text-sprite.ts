/**
 * Text labels in the 3D scene: a canvas-textured sprite that always faces the camera and draws on top.
 */
import { CanvasTexture, LinearFilter, Sprite, SpriteMaterial } from 'three';

const CANVAS_WIDTH = 512;
const CANVAS_HEIGHT = 96;

/** A camera-facing label `height` metres tall; `setText` redraws it. */
export class TextSprite {
  readonly sprite: Sprite;
  private readonly canvas = document.createElement('canvas');
  private readonly texture: CanvasTexture;
  private text = '';

  constructor(height: number) {
    this.canvas.width = CANVAS_WIDTH;
    this.canvas.height = CANVAS_HEIGHT;
    this.texture = new CanvasTexture(this.canvas);
    this.texture.minFilter = LinearFilter;
    this.sprite = new Sprite(new SpriteMaterial({ map: this.texture, depthTest: false, transparent: true }));
    this.sprite.scale.set((height * CANVAS_WIDTH) / CANVAS_HEIGHT, height, 1);
    this.sprite.renderOrder = 10;
  }

  /** Show `text` (dark on a light rounded box); `accent` colours the box border. */
  setText(text: string, accent = '#29335c'): void {
    if (text === this.text) return;
    this.text = text;
    const ctx = this.canvas.getContext('2d');
    if (!ctx) return;
    ctx.clearRect(0, 0, CANVAS_WIDTH, CANVAS_HEIGHT);
    ctx.font = '600 40px system-ui, sans-serif';
    const width = Math.min(CANVAS_WIDTH - 8, ctx.measureText(text).width + 36);
    const left = (CANVAS_WIDTH - width) / 2;
    ctx.fillStyle = 'rgba(255, 255, 255, 0.88)';
    ctx.strokeStyle = accent;
    ctx.lineWidth = 5;
    ctx.beginPath();
    ctx.roundRect(left, 10, width, CANVAS_HEIGHT - 20, 18);
    ctx.fill();
    ctx.stroke();
    ctx.fillStyle = '#1b2330';
    ctx.textAlign = 'center';
    ctx.textBaseline = 'middle';
    ctx.fillText(text, CANVAS_WIDTH / 2, CANVAS_HEIGHT / 2, CANVAS_WIDTH - 40);
    this.texture.needsUpdate = true;
  }
}
