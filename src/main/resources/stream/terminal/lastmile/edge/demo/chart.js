// A small live chart on a <canvas>: price and moving average in the upper pane, an oscillator (0-100, RSI-like)
// in the lower one, the latest `capacity` points from left to right, and a red mark where the stream had a gap.
// Redraws at most once a frame, at the canvas's size in device pixels.

const PAD = { left: 8, right: 64, top: 10, bottom: 10 };
const SPLIT = 0.66;        // share of the height for the price pane
const PANE_GAP = 18;

export class LiveChart {
  constructor(canvas, { capacity = 240 } = {}) {
    this.canvas = canvas;
    this.ctx = canvas.getContext('2d');
    this.capacity = capacity;
    this.points = [];       // {price, sma, rsi, gap}
    this.pendingGap = false;
    this.scheduled = false;
    this.colors = readColors(canvas);
    new ResizeObserver(() => this.schedule()).observe(canvas);
  }

  /** Adds one point; `sma` and `rsi` may be absent (null). */
  push(price, sma, rsi) {
    this.points.push({ price, sma, rsi, gap: this.pendingGap });
    this.pendingGap = false;
    if (this.points.length > this.capacity) this.points.shift();
    this.schedule();
  }

  /** Marks the next point as following a gap (messages that will never arrive). */
  markGap() {
    this.pendingGap = true;
  }

  schedule() {
    if (this.scheduled) return;
    this.scheduled = true;
    requestAnimationFrame(() => {
      this.scheduled = false;
      this.draw();
    });
  }

  draw() {
    const { canvas, ctx } = this;
    const ratio = window.devicePixelRatio || 1;
    const width = canvas.clientWidth, height = canvas.clientHeight;
    if (canvas.width !== Math.round(width * ratio) || canvas.height !== Math.round(height * ratio)) {
      canvas.width = Math.round(width * ratio);
      canvas.height = Math.round(height * ratio);
    }
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, width, height);
    ctx.font = '11px ui-monospace, "DejaVu Sans Mono", monospace';
    ctx.textBaseline = 'middle';

    const plotWidth = width - PAD.left - PAD.right;
    const priceHeight = (height - PAD.top - PAD.bottom - PANE_GAP) * SPLIT;
    const upper = { top: PAD.top, height: priceHeight };
    const lower = { top: PAD.top + priceHeight + PANE_GAP, height: height - PAD.top - PAD.bottom - PANE_GAP - priceHeight };
    const x = (i) => PAD.left + (this.capacity <= 1 ? 0 : (i + this.capacity - this.points.length) * plotWidth / (this.capacity - 1));

    const values = this.points.flatMap((p) => [p.price, p.sma]).filter(Number.isFinite);
    if (values.length === 0) {
      ctx.fillStyle = this.colors.muted;
      ctx.fillText('waiting for messages…', PAD.left + 8, upper.top + upper.height / 2);
      return;
    }
    let min = Math.min(...values), max = Math.max(...values);
    const pad = (max - min) * 0.08 || Math.abs(max) * 0.01 || 1;
    min -= pad; max += pad;
    const yPrice = (v) => upper.top + (max - v) * upper.height / (max - min);
    const yRsi = (v) => lower.top + (100 - v) * lower.height / 100;

    this.grid(niceTicks(min, max, 5), yPrice, plotWidth, (v) => formatPrice(v, max - min));
    this.grid([30, 50, 70], yRsi, plotWidth, (v) => String(v));

    ctx.fillStyle = hexAlpha(this.colors.rsi, 0.08);
    ctx.fillRect(PAD.left, yRsi(70), plotWidth, yRsi(30) - yRsi(70));

    ctx.strokeStyle = this.colors.gap;
    ctx.setLineDash([4, 3]);
    this.points.forEach((p, i) => {
      if (!p.gap) return;
      ctx.beginPath();
      ctx.moveTo(x(i), upper.top);
      ctx.lineTo(x(i), lower.top + lower.height);
      ctx.stroke();
    });
    ctx.setLineDash([]);

    this.line((p) => p.sma, x, yPrice, this.colors.sma, 1.5);
    this.line((p) => p.price, x, yPrice, this.colors.price, 2);
    this.line((p) => p.rsi, x, yRsi, this.colors.rsi, 1.5);

    const last = this.points[this.points.length - 1];
    if (Number.isFinite(last.price)) {
      const y = yPrice(last.price);
      ctx.fillStyle = this.colors.price;
      ctx.fillRect(PAD.left + plotWidth + 2, y - 9, PAD.right - 4, 18);
      ctx.fillStyle = this.colors.bg;
      ctx.fillText(formatPrice(last.price, max - min), PAD.left + plotWidth + 6, y);
    }
  }

  grid(ticks, y, plotWidth, label) {
    const { ctx } = this;
    ctx.strokeStyle = this.colors.line;
    ctx.lineWidth = 1;
    ctx.fillStyle = this.colors.muted;
    for (const v of ticks) {
      const yy = Math.round(y(v)) + 0.5;
      ctx.beginPath();
      ctx.moveTo(PAD.left, yy);
      ctx.lineTo(PAD.left + plotWidth, yy);
      ctx.stroke();
      ctx.fillText(label(v), PAD.left + plotWidth + 6, yy);
    }
  }

  // one polyline; a missing value (null) or a gap mark starts a new segment
  line(value, x, y, color, width) {
    const { ctx } = this;
    ctx.strokeStyle = color;
    ctx.lineWidth = width;
    ctx.lineJoin = 'round';
    ctx.beginPath();
    let drawing = false;
    this.points.forEach((p, i) => {
      const v = value(p);
      if (!Number.isFinite(v)) {
        drawing = false;
        return;
      }
      if (drawing && !p.gap) ctx.lineTo(x(i), y(v));
      else ctx.moveTo(x(i), y(v));
      drawing = true;
    });
    ctx.stroke();
  }
}

function readColors(element) {
  const style = getComputedStyle(element);
  const get = (name, fallback) => style.getPropertyValue(name).trim() || fallback;
  return {
    bg: get('--bg', '#0f1419'), line: get('--line', '#2a333d'), muted: get('--muted', '#8a96a3'),
    price: get('--price', '#4fb3ff'), sma: get('--sma', '#f5a524'), rsi: get('--rsi', '#b48cff'),
    gap: get('--gap', '#ff5c5c'),
  };
}

// round steps (1, 2 or 5 times a power of ten) between min and max
function niceTicks(min, max, count) {
  const raw = (max - min) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw);
  const ticks = [];
  for (let v = Math.ceil(min / step) * step; v <= max; v += step) ticks.push(v);
  return ticks;
}

function formatPrice(v, range) {
  const decimals = Math.max(0, Math.min(6, 2 - Math.floor(Math.log10(range || 1))));
  return v.toFixed(decimals);
}

function hexAlpha(hex, alpha) {
  const n = parseInt(hex.replace('#', ''), 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
}
