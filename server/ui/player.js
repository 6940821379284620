// A pose player on a <canvas>: DWPose-128 frames drawn in the control-frame colours (the ControlNet convention of
// render/draw-controlnet.ts), with play/pause, scrubbing and speed. Frames: arrays of 384 numbers (x, y, c per point,
// x and y fractions of the frame).
let skeleton = null;
export async function loadSkeleton() {
  if (!skeleton) skeleton = await (await fetch('/ui/skeleton.json')).json();
  return skeleton;
}

export class PosePlayer {
  constructor(canvas, controls = {}) {
    this.canvas = canvas;
    this.ctx = canvas.getContext('2d');
    this.frames = [];
    this.fps = 12;
    this.aspect = 1;
    this.t = 0;
    this.speed = 1;
    this.playing = false;
    this.controls = controls;
    this.last = 0;
    this.acc = 0;
    this.tick = this.tick.bind(this);
    if (controls.play) controls.play.addEventListener('click', () => (this.playing ? this.pause() : this.play()));
    if (controls.scrub) controls.scrub.addEventListener('input', () => { const t = Number(controls.scrub.value); this.pause(); this.seek(t); });
    if (controls.speed) controls.speed.addEventListener('change', () => { this.speed = Number(controls.speed.value); });
    this.clear();
  }

  clear() {
    this.ctx.fillStyle = '#000';
    this.ctx.fillRect(0, 0, this.canvas.width, this.canvas.height);
  }

  /** Replaces the sequence (meta: {fps, width, height}). */
  load(frames, meta) {
    this.frames = frames;
    this.fps = meta.fps || 12;
    this.aspect = meta.width && meta.height ? meta.width / meta.height : 1;
    this.t = 0;
    this.updateControls();
    this.draw();
  }

  /** Appends one streamed frame; draws it when the player follows the live edge. */
  push(frame, meta) {
    if (this.frames.length === 0 && meta) { this.fps = meta.fps || 12; this.aspect = meta.width && meta.height ? meta.width / meta.height : 1; }
    this.frames.push(frame);
    if (!this.playing) { this.t = this.frames.length - 1; this.draw(); }
    this.updateControls();
  }

  play() {
    if (this.frames.length === 0) return;
    if (this.t >= this.frames.length - 1) this.t = 0;
    this.playing = true;
    this.last = performance.now();
    this.acc = 0;
    this.updateControls();
    requestAnimationFrame(this.tick);
  }

  pause() {
    this.playing = false;
    this.updateControls();
  }

  seek(t) {
    this.t = Math.max(0, Math.min(this.frames.length - 1, t | 0));
    this.draw();
    this.updateControls();
  }

  tick(now) {
    if (!this.playing) return;
    this.acc += ((now - this.last) / 1000) * this.fps * this.speed;
    this.last = now;
    if (this.acc >= 1) {
      const step = Math.floor(this.acc);
      this.acc -= step;
      this.t = (this.t + step) % this.frames.length; // loops
      this.draw();
      this.updateControls();
    }
    requestAnimationFrame(this.tick);
  }

  updateControls() {
    const { play, scrub, label } = this.controls;
    if (play) play.textContent = this.playing ? '❚❚ Pause' : '▶ Play';
    if (scrub) { scrub.max = String(Math.max(0, this.frames.length - 1)); scrub.value = String(this.t); }
    if (label) label.textContent = this.frames.length ? `frame ${this.t + 1} / ${this.frames.length} · ${this.fps} fps` : '';
  }

  /** Draws frame t fitted into the canvas (letterboxed to the sequence's aspect). */
  draw() {
    const ctx = this.ctx;
    const W = this.canvas.width;
    const H = this.canvas.height;
    this.clear();
    const f = this.frames[this.t];
    if (!f || !skeleton) return;
    let w = W;
    let h = W / this.aspect;
    if (h > H) { h = H; w = H * this.aspect; }
    const ox = (W - w) / 2;
    const oy = (H - h) / 2;
    const X = (p) => ox + f[p * 3] * w;
    const Y = (p) => oy + f[p * 3 + 1] * h;
    const ok = (p, strict) => (strict ? f[p * 3 + 2] > 0.3 : f[p * 3 + 2] >= 0.3);
    const rgb = (c, a = 1) => `rgba(${c[0]},${c[1]},${c[2]},${a})`;
    const s = Math.max(1, Math.min(w, h) / 256);
    ctx.lineCap = 'round';
    // body limbs at 60 % brightness, as the annotator dims them
    ctx.lineWidth = 4 * s;
    skeleton.bodyLimbs.forEach(([a, b], i) => {
      if (!(ok(a, true) && ok(b, true))) return;
      ctx.strokeStyle = rgb(skeleton.bodyColors[i], 0.6);
      ctx.beginPath(); ctx.moveTo(X(a), Y(a)); ctx.lineTo(X(b), Y(b)); ctx.stroke();
    });
    for (let j = 0; j < 18; j++) {
      if (!ok(j, true)) continue;
      ctx.fillStyle = rgb(skeleton.bodyColors[j]);
      ctx.beginPath(); ctx.arc(X(j), Y(j), 2.5 * s, 0, 2 * Math.PI); ctx.fill();
    }
    ctx.lineWidth = 1.5 * s;
    for (const start of [86, 107]) {
      skeleton.handEdges.forEach(([a, b], i) => {
        if (!(ok(start + a) && ok(start + b))) return;
        ctx.strokeStyle = rgb(skeleton.handColors[i]);
        ctx.beginPath(); ctx.moveTo(X(start + a), Y(start + a)); ctx.lineTo(X(start + b), Y(start + b)); ctx.stroke();
      });
      ctx.fillStyle = 'rgb(0,0,255)';
      for (let k = 0; k < 21; k++) if (ok(start + k)) { ctx.beginPath(); ctx.arc(X(start + k), Y(start + k), 1.6 * s, 0, 2 * Math.PI); ctx.fill(); }
    }
    ctx.fillStyle = '#fff';
    for (let k = 18; k < 86; k++) if (ok(k)) { ctx.beginPath(); ctx.arc(X(k), Y(k), 1.1 * s, 0, 2 * Math.PI); ctx.fill(); }
  }
}

/** Reads a server-sent-event stream from a fetch Response, calling onEvent(event, data) per event. */
export async function readSse(res, onEvent) {
  const reader = res.body.getReader();
  const dec = new TextDecoder();
  let buf = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buf += dec.decode(value, { stream: true });
    let i;
    while ((i = buf.indexOf('\n\n')) >= 0) {
      const block = buf.slice(0, i);
      buf = buf.slice(i + 2);
      let event = 'message';
      const data = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event:')) event = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
      }
      if (data.length) onEvent(event, JSON.parse(data.join('\n')));
    }
  }
}
