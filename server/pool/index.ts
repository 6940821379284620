/**
 * A small pool of inference processes with a bounded queue. Each process runs one task at a time; tasks wait in a
 * FIFO queue of at most `maxQueue`; when it is full `run` throws a 'busy' SignbenchError at once (the server answers
 * 503 with Retry-After) instead of letting waits grow without bound.
 */
import { scriptEntry } from '../../pose/script-entry.js';
import { fork, type ChildProcess } from 'node:child_process';
import { getPriority, setPriority } from 'node:os';
import { SignbenchError } from '../../pose/errors.js';
import type { FromWorker, ModelInfo, TaskRequest, ToWorker } from './protocol.js';

export interface PoolModels {
  generators: Record<string, string>;
  defaultGenerator: string;
  translator: string;
}

export interface PoolOptions {
  size: number;
  maxQueue: number;
  models: PoolModels;
  /** Most milliseconds one task may run before its process is killed and replaced. */
  taskTimeoutMs: number;
  limits: { maxBytes: number; maxFrames: number; maxEntries: number };
}

export interface PoolStats {
  size: number;
  ready: number;
  busy: number;
  queued: number;
  maxQueue: number;
  completed: number;
  rejected: number;
}

interface Task {
  id: number;
  req: TaskRequest;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
  onFrame?: (m: Extract<FromWorker, { type: 'frame' }>) => void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

interface Slot {
  proc: ChildProcess;
  ready: boolean;
  task: Task | null;
  timer?: NodeJS.Timeout;
}

const WORKER = scriptEntry(import.meta.url, './worker');

export class InferencePool {
  private readonly slots: Slot[] = [];
  private readonly queue: Task[] = [];
  private nextId = 1;
  private closed = false;
  private completed = 0;
  private rejected = 0;
  models: ModelInfo[] = [];
  private readyWaiters: { resolve: () => void; reject: (e: unknown) => void }[] = [];
  private fatal: Error | null = null;
  /** Called with each finished task's duration (seconds) and op, for metrics. */
  onTaskDone?: (op: string, seconds: number, ok: boolean) => void;

  constructor(private readonly opts: PoolOptions) {
    for (let i = 0; i < opts.size; i++) this.slots.push(this.spawn());
  }

  private spawn(): Slot {
    const proc = fork(WORKER.path, [], {
      execArgv: WORKER.execArgv,
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      env: { ...process.env, SIGNBENCH_POOL_MODELS: JSON.stringify(this.opts.models) },
    });
    // Inference yields the CPU to the HTTP event loop: health checks and 503s stay fast while every worker is busy.
    if (proc.pid) try { setPriority(proc.pid, Math.min(19, getPriority(process.pid) + 2)); } catch { /* not permitted: keep the default */ }
    const slot: Slot = { proc, ready: false, task: null };
    proc.on('message', (m: FromWorker) => this.onMessage(slot, m));
    proc.on('exit', (code, sig) => this.onExit(slot, code, sig));
    proc.send({ type: 'limits', ...this.opts.limits } satisfies ToWorker);
    return slot;
  }

  /** Resolves when every process has loaded its models (rejects when one cannot). */
  whenReady(): Promise<void> {
    if (this.fatal) return Promise.reject(this.fatal);
    if (this.slots.every((s) => s.ready)) return Promise.resolve();
    return new Promise((resolve, reject) => this.readyWaiters.push({ resolve, reject }));
  }

  /** Whether a new task would be refused now (every process busy and the queue full). */
  get saturated(): boolean {
    return !this.slots.some((s) => s.ready && !s.task) && this.queue.length >= this.opts.maxQueue;
  }

  get ready(): boolean {
    return this.slots.length > 0 && this.slots.every((s) => s.ready);
  }

  stats(): PoolStats {
    return {
      size: this.slots.length, ready: this.slots.filter((s) => s.ready).length, busy: this.slots.filter((s) => s.task).length,
      queued: this.queue.length, maxQueue: this.opts.maxQueue, completed: this.completed, rejected: this.rejected,
    };
  }

  /**
   * Runs a task in a free process, or queues it. Throws 'busy' at once when the queue is full, 'aborted' when
   * `signal` fires while it waits (a waiting task is dropped; a running one finishes but its answer is ignored).
   */
  run<T>(req: TaskRequest, opts: { signal?: AbortSignal; onFrame?: Task['onFrame'] } = {}): Promise<T> {
    if (this.closed) return Promise.reject(new SignbenchError('busy', 'the server is shutting down'));
    if (this.fatal) return Promise.reject(new SignbenchError('internal', this.fatal.message));
    const free = this.slots.find((s) => s.ready && !s.task);
    if (!free && this.queue.length >= this.opts.maxQueue) {
      this.rejected++;
      return Promise.reject(new SignbenchError('busy', `all ${this.slots.length} inference workers are busy and ${this.queue.length} requests wait; try again shortly`, { detail: { retryAfter: 1 } }));
    }
    if (opts.signal?.aborted) return Promise.reject(new SignbenchError('aborted', 'the request was cancelled'));
    return new Promise<T>((resolve, reject) => {
      const task: Task = { id: this.nextId++, req, resolve: resolve as (v: unknown) => void, reject, onFrame: opts.onFrame, signal: opts.signal };
      if (opts.signal) {
        task.onAbort = () => {
          const i = this.queue.indexOf(task);
          if (i >= 0) this.queue.splice(i, 1);
          reject(new SignbenchError('aborted', 'the request was cancelled'));
        };
        opts.signal.addEventListener('abort', task.onAbort, { once: true });
      }
      if (free) this.start(free, task);
      else this.queue.push(task);
    });
  }

  private start(slot: Slot, task: Task): void {
    slot.task = task;
    const t0 = performance.now();
    (task as Task & { t0: number }).t0 = t0;
    slot.timer = setTimeout(() => {
      this.finish(slot, (t) => t.reject(new SignbenchError('aborted', `the task ran over ${this.opts.taskTimeoutMs} ms and was stopped`)), false);
      slot.proc.kill('SIGKILL'); // replaced in onExit
    }, this.opts.taskTimeoutMs);
    slot.proc.send({ type: 'task', id: task.id, task: task.req } satisfies ToWorker);
  }

  private finish(slot: Slot, settle: (t: Task) => void, ok: boolean): void {
    const task = slot.task;
    if (!task) return;
    clearTimeout(slot.timer);
    slot.task = null;
    if (task.onAbort) task.signal?.removeEventListener('abort', task.onAbort);
    this.completed++;
    this.onTaskDone?.(task.req.op, (performance.now() - (task as Task & { t0: number }).t0) / 1000, ok);
    settle(task);
    this.next(slot);
  }

  private next(slot: Slot): void {
    if (!slot.ready || slot.task) return;
    const task = this.queue.shift();
    if (task) this.start(slot, task);
  }

  private onMessage(slot: Slot, m: FromWorker): void {
    switch (m.type) {
      case 'ready':
        slot.ready = true;
        this.models = m.models;
        if (this.ready) for (const w of this.readyWaiters.splice(0)) w.resolve();
        this.next(slot);
        return;
      case 'fatal':
        this.fatal = new Error(m.error.message);
        for (const w of this.readyWaiters.splice(0)) w.reject(this.fatal);
        for (const t of this.queue.splice(0)) t.reject(new SignbenchError('internal', m.error.message));
        return;
      case 'frame':
        if (slot.task?.id === m.id) slot.task.onFrame?.(m);
        return;
      case 'done':
        if (slot.task?.id === m.id) this.finish(slot, (t) => t.resolve(m.result), true);
        return;
      case 'failed':
        if (slot.task?.id === m.id) this.finish(slot, (t) => t.reject(new SignbenchError(m.error.kind, m.error.message, { detail: m.error.detail })), m.error.kind !== 'internal');
        return;
    }
  }

  private onExit(slot: Slot, code: number | null, sig: NodeJS.Signals | null): void {
    this.finish(slot, (t) => t.reject(new SignbenchError('internal', `an inference worker exited (${sig ?? code}) while running the task`)), false);
    slot.ready = false;
    const i = this.slots.indexOf(slot);
    if (this.closed || this.fatal || i < 0) return;
    this.slots[i] = this.spawn(); // a crashed or killed worker is replaced
  }

  /** Stops taking tasks, lets running ones finish (up to `graceMs`), fails queued ones, and stops the processes. */
  async close(graceMs = 10_000): Promise<void> {
    this.closed = true;
    for (const t of this.queue.splice(0)) t.reject(new SignbenchError('busy', 'the server is shutting down'));
    const deadline = Date.now() + graceMs;
    while (this.slots.some((s) => s.task) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await Promise.all(this.slots.map((s) => new Promise<void>((resolve) => {
      if (s.proc.exitCode !== null || s.proc.signalCode !== null) return resolve();
      s.proc.once('exit', () => resolve());
      s.proc.kill('SIGTERM');
    })));
  }
}
