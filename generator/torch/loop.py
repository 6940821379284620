"""Pieces of the training loop that both PyTorch trainers (train.py, train_nar.py) share."""

import math
import time

import torch


def optimizer_step(model, opt, loss, lr, clip_norm):
    """One Adam(W) step on `loss` at learning rate `lr`, gradients clipped to `clip_norm` (0: no clipping)."""
    for g in opt.param_groups:
        g["lr"] = lr
    opt.zero_grad(set_to_none=True)
    loss.backward()
    if clip_norm > 0:
        torch.nn.utils.clip_grad_norm_(model.parameters(), clip_norm)
    opt.step()


class LossLog:
    """The loss history (the first 10 steps, then every 10th: the checkpoint's `extra.history`, loss.svg) and the
    smoothed loss and loss terms of the progress lines. Only recorded steps sync with the device."""

    def __init__(self, fail):
        self.fail = fail
        self.history = []
        self.ema = None
        self.parts = {}

    def record(self, step, loss, parts):
        if not (step % 10 == 0 or step <= 10):
            return
        value = float(loss.detach())
        if not math.isfinite(value):
            self.fail(f"training diverged at step {step}: loss is {value}")
        self.history.append({"step": step, "loss": value})
        self.ema = value if self.ema is None else 0.9 * self.ema + 0.1 * value
        for k, v in parts.items():
            fv = float(v.detach())
            self.parts[k] = fv if k not in self.parts else 0.9 * self.parts[k] + 0.1 * fv


def speed_and_eta(step, steps, budget, t0):
    """Steps per second since `t0`, and the seconds left (of the time budget, or at this speed to `steps`)."""
    sps = step / (time.time() - t0)
    left = (budget - (time.time() - t0)) if budget else (steps - step) / sps
    return sps, max(0, left)
