/**
 * Lane labels ("before adaptation · R -12.3 ✓", ...) as HTML over the 3D view, with a swatch of the lane's
 * trail colour. Each frame they follow their lanes: lanes side by side across the screen get column heads
 * along the view's top edge (clear of robots and goals, which the camera frames below them); runners seen
 * from the side, whose lanes stack up the screen, get a label behind each robot. Labels never leave the
 * view, which no panel covers.
 */
import { el } from './dom.js';
import type { ScreenPoint } from './stage.js';

/** Where a label sits: at the view's top edge centred over its anchor, or ending at its anchor and centred on it vertically. */
export type LabelPlacement = 'column' | 'behind';

/** Gap between a label and its anchor, and least distance to the view's edge (CSS pixels). */
const GAP_PX = 6;
const EDGE_PX = 4;
const DEFAULT_ACCENT = '#29335c';

/** One label's elements. */
interface Label {
  box: HTMLDivElement;
  text: HTMLSpanElement;
}

export class LaneLabels {
  private readonly root = el('div', { className: 'lane-labels' });
  private readonly labels: Label[];

  /** Labels reading `texts` (one per lane, swatches of `colours`) in `container` (the 3D view's element). */
  constructor(container: HTMLElement, texts: readonly string[], colours: readonly string[], private readonly placement: LabelPlacement) {
    this.labels = texts.map((text, lane) => {
      const label: Label = { box: el('div', { className: 'lane-label' }), text: el('span', { textContent: text }) };
      const swatch = el('span', { className: 'lane-swatch' });
      swatch.style.background = colours[lane];
      label.box.append(swatch, label.text);
      return label;
    });
    this.root.append(...this.labels.map((l) => l.box));
    container.append(this.root);
  }

  /** Show `text` on lane `lane`'s label, its border in `accent`. */
  setText(lane: number, text: string, accent = DEFAULT_ACCENT): void {
    const label = this.labels[lane];
    if (!label) return;
    if (label.text.textContent !== text) label.text.textContent = text;
    label.box.style.borderColor = accent;
  }

  /**
   * Put each label by its lane's anchor (CSS pixels relative to the container), inside the container; labels
   * that would overlap are moved apart along the way lanes succeed one another (across, or up the screen).
   */
  place(anchors: readonly ScreenPoint[]): void {
    const { clientWidth, clientHeight } = this.root;
    const sizes = this.labels.map(({ box }) => ({ width: box.offsetWidth, height: box.offsetHeight }));
    const column = this.placement === 'column';
    const lefts = anchors.map((a, i) => (column ? a.x - sizes[i].width / 2 : a.x - sizes[i].width - GAP_PX));
    const tops = anchors.map((a, i) => (column ? EDGE_PX : a.y - sizes[i].height / 2));
    const xs = column ? spread(lefts, sizes.map((s) => s.width), clientWidth) : lefts.map((x, i) => clamp(x, EDGE_PX, clientWidth - EDGE_PX - sizes[i].width));
    const ys = column ? tops : spread(tops, sizes.map((s) => s.height), clientHeight);
    this.labels.forEach(({ box }, lane) => (box.style.transform = `translate(${Math.round(xs[lane])}px, ${Math.round(ys[lane])}px)`));
  }

  /** Take the labels off the page. */
  remove(): void {
    this.root.remove();
  }
}

/** `value` within [lo, hi] (lo when the range is empty). */
function clamp(value: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(value, hi));
}

/**
 * Starts for intervals of `sizes` wanted at `starts`, moved as little as a sweep each way takes for none to
 * overlap (GAP_PX apart) and all to lie within [EDGE_PX, extent - EDGE_PX] (where they fit at all).
 */
function spread(starts: readonly number[], sizes: readonly number[], extent: number): number[] {
  const order = starts.map((_, i) => i).sort((a, b) => starts[a] - starts[b]);
  const out = [...starts];
  let next = EDGE_PX;
  for (const i of order) {
    out[i] = Math.max(out[i], next);
    next = out[i] + sizes[i] + GAP_PX;
  }
  let limit = extent - EDGE_PX;
  for (const i of order.reverse()) {
    out[i] = Math.max(EDGE_PX, Math.min(out[i], limit - sizes[i]));
    limit = out[i] - GAP_PX;
  }
  return out;
}
