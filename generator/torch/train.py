#!/usr/bin/env python3
"""PyTorch trainer for the signbench generator (optional accelerator path).

Trains the same SignDW-style model as generator/model.ts, with the same loss, on a training pack written by
generator/pack.ts (the examples exactly as the tfjs trainer sees them), starting from the initial weights the
TypeScript side wrote (fresh from the seed, or a warm start), and writes a signbench checkpoint (weights.bin +
manifest.json, Adam moments included) that `signbench` exports to ONNX. Used by
`signbench train generator --accelerator torch`; runs on CUDA when PyTorch sees a GPU, else on the CPU.

Every hyper-parameter comes from the pack's config (the TypeScript GeneratorConfig); this script adds only where and
how long to run. Parameter layout is the TypeScript one: linear weights are [in, out] (y = x W + b).
"""
import argparse
import json
import math
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from loop import LossLog, optimizer_step, speed_and_eta  # noqa: E402

MASK_VALUE = -1e9  # nn/layers.ts MASK_VALUE
LN_EPS = 1e-5  # nn/layers.ts LN_EPS
MAX_FRAMES = 96  # generator/config.ts MAX_FRAMES
PAD = 0
CHECKPOINT_FORMAT = "signbench-checkpoint"
PACK_FORMAT = "signbench-generator-pack"


def fail(msg):
    sys.stderr.write(f"generator/torch/train.py: {msg}\n")
    sys.exit(2)


# ---------------------------------------------------------------- checkpoint files (nn/checkpoint.ts)

def read_checkpoint(d):
    path = os.path.join(d, "manifest.json")
    if not os.path.exists(path):
        fail(f"{path}: not found (expected a checkpoint directory)")
    with open(path, encoding="utf-8") as f:
        m = json.load(f)
    if m.get("format") != CHECKPOINT_FORMAT or m.get("version") != 1:
        fail(f"{path}: not a signbench checkpoint (format {m.get('format')!r}, version {m.get('version')!r})")
    buf = np.fromfile(os.path.join(d, "weights.bin"), dtype="<f4")
    tensors = {}
    for e in m["tensors"]:
        off, n = e["offset"] // 4, e["length"]
        if off + n > buf.size:
            fail(f"{d}/weights.bin: too short for tensor {e['name']}")
        tensors[e["name"]] = buf[off:off + n].reshape(e["shape"]).copy()
    return m, tensors


def write_checkpoint(d, manifest, named_arrays):
    """named_arrays: [(name, np.ndarray)] in file order. Each file is written then renamed, as nn/checkpoint.ts does."""
    os.makedirs(d, exist_ok=True)
    entries, blobs, off = [], [], 0
    for name, a in named_arrays:
        a = np.ascontiguousarray(a, dtype="<f4")
        entries.append({"name": name, "shape": list(a.shape), "dtype": "float32", "offset": off, "length": int(a.size)})
        off += a.size * 4
        blobs.append(a.tobytes())
    manifest = dict(manifest, tensors=entries)
    with open(os.path.join(d, "weights.bin.tmp"), "wb") as f:
        for b in blobs:
            f.write(b)
    with open(os.path.join(d, "manifest.json.tmp"), "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=1)
    os.replace(os.path.join(d, "weights.bin.tmp"), os.path.join(d, "weights.bin"))
    os.replace(os.path.join(d, "manifest.json.tmp"), os.path.join(d, "manifest.json"))


# ---------------------------------------------------------------- training pack (generator/pack.ts)

class Split:
    """One split of a pack, padded and kept on the device: frames [N, 96, 384], tokens [N, S], align [N, 96, S]."""

    def __init__(self, pack_dir, name, info, device):
        n = info["examples"]
        tok_len = np.asarray(info["tokens"], dtype=np.int64)
        fr_len = np.asarray(info["frames"], dtype=np.int64)
        if n == 0 or len(tok_len) != n or len(fr_len) != n:
            fail(f"{pack_dir}/pack.json: split {name} is empty or inconsistent")
        if fr_len.max() > MAX_FRAMES:
            fail(f"{pack_dir}/pack.json: split {name} has an example of {fr_len.max()} frames (at most {MAX_FRAMES})")
        toks = np.fromfile(os.path.join(pack_dir, f"{name}.tokens.i32"), dtype="<i4")
        frames = np.fromfile(os.path.join(pack_dir, f"{name}.frames.f32"), dtype="<f4")
        if toks.size != tok_len.sum() or frames.size != fr_len.sum() * 384:
            fail(f"{pack_dir}: {name}.* do not match pack.json (sizes {toks.size}, {frames.size})")
        S = int(tok_len.max())
        tok_pad = np.zeros((n, S), dtype=np.int64)
        fr_pad = np.zeros((n, MAX_FRAMES, 384), dtype=np.float32)
        al_pad = np.zeros((n, MAX_FRAMES, S), dtype=np.uint8) if info["align"] else None
        al = np.fromfile(os.path.join(pack_dir, f"{name}.align.u8"), dtype=np.uint8) if info["align"] else None
        to = fo = ao = 0
        for i in range(n):
            s, t = int(tok_len[i]), int(fr_len[i])
            tok_pad[i, :s] = toks[to:to + s]
            fr_pad[i, :t] = frames[fo * 384:(fo + t) * 384].reshape(t, 384)
            if al is not None:
                al_pad[i, :t, :s] = al[ao:ao + t * s].reshape(t, s)
                ao += t * s
            to += s
            fo += t
        self.n = n
        self.device = device
        # Lengths stay on the host: a batch's padded size is then known without waiting on the device.
        self.tok_len = tok_len
        self.fr_len = fr_len
        self.fr_len_dev = torch.from_numpy(fr_len).to(device)
        self.tokens = torch.from_numpy(tok_pad).to(device)
        self.frames = torch.from_numpy(fr_pad).to(device)
        self.align = torch.from_numpy(al_pad).to(device) if al_pad is not None else None

    def batch(self, idx):
        """Padded batch like BatchSampler.batchOf from host indices: ids [B, S], targets [B, T, 384], mask [B, T],
        lengths [B]."""
        idx = np.asarray(idx, dtype=np.int64)
        S = int(self.tok_len[idx].max())
        T = int(self.fr_len[idx].max())
        idx = torch.from_numpy(idx).to(self.device)
        lengths = self.fr_len_dev[idx].float()
        b = {
            "ids": self.tokens[idx, :S],
            "targets": self.frames[idx, :T],
            "mask": (torch.arange(T, device=lengths.device)[None, :] < lengths[:, None]).float(),
            "lengths": lengths,
        }
        if self.align is not None:
            tokens = self.align[idx, :T, :S].float()
            b["align_tokens"] = tokens
            b["align_frames"] = (tokens.sum(-1) > 0).float()
        return b


# ---------------------------------------------------------------- the model (generator/model.ts, nn/layers.ts)

def sinusoidal(max_len, d):
    pe = np.zeros((max_len, d), dtype=np.float32)
    for i in range(0, d, 2):
        angle = np.arange(max_len, dtype=np.float64) * math.exp(-i * math.log(10000) / d)
        pe[:, i] = np.sin(angle)
        if i + 1 < d:
            pe[:, i + 1] = np.cos(angle)
    return torch.from_numpy(pe)


class Generator(torch.nn.Module):
    def __init__(self, cfg, weights, device):
        super().__init__()
        self.cfg = cfg
        self.names = list(weights.keys())
        self.P = {}
        for name, a in weights.items():
            p = torch.nn.Parameter(torch.from_numpy(a).to(device))
            self.register_parameter(name.replace(".", "_"), p)
            self.P[name] = p
        self.d, self.heads = cfg["d"], cfg["heads"]
        self.pe = sinusoidal(max(MAX_FRAMES, cfg["maxTextLen"]) + 1, self.d).to(device)
        self.drop = 0.0

    def dropout(self, x):
        return F.dropout(x, self.drop, self.training) if self.drop > 0 else x

    def linear(self, name, x):
        y = x @ self.P[name + ".w"]
        b = self.P.get(name + ".b")
        return y + b if b is not None else y

    def ln(self, name, x):
        return F.layer_norm(x, (x.shape[-1],), self.P[name + ".g"], self.P[name + ".b"], LN_EPS)

    def attention(self, name, xq, xkv, mask, on_probs=None):
        B, Tq, d = xq.shape
        H = self.heads
        dh = d // H
        q = self.linear(name + ".q", xq).view(B, Tq, H, dh).transpose(1, 2)
        k = self.linear(name + ".k", xkv).view(B, -1, H, dh).transpose(1, 2)
        v = self.linear(name + ".v", xkv).view(B, -1, H, dh).transpose(1, 2)
        scores = (q @ k.transpose(-1, -2)) * (1 / math.sqrt(dh))
        if mask is not None:
            scores = scores + mask
        probs = torch.softmax(scores, -1)
        if on_probs is not None:
            on_probs(probs)
        out = (self.dropout(probs) @ v).transpose(1, 2).reshape(B, Tq, d)
        return self.linear(name + ".o", out)

    def ff(self, name, x):
        return self.linear(name + ".fc2", self.dropout(F.gelu(self.linear(name + ".fc1", x))))

    def encode(self, ids):
        B, S = ids.shape
        x = self.P["tok.w"][ids] * math.sqrt(self.d) + self.pe[:S]
        mem_mask = torch.where(ids == PAD, MASK_VALUE, 0.0)[:, None, None, :]
        for i in range(self.cfg["encoderLayers"]):
            n = f"enc.{i}"
            h = self.ln(n + ".ln1", x)
            x = x + self.dropout(self.attention(n + ".attn", h, h, mem_mask))
            x = x + self.dropout(self.ff(n + ".ff", self.ln(n + ".ln2", x)))
        keep = (ids != PAD).float()[:, :, None]
        pooled = (x * keep).sum(1) / keep.sum(1)
        h = F.gelu(self.linear("len.fc1", self.ln("len.ln", pooled)))
        ratio = torch.sigmoid(self.linear("len.fc2", h)).reshape(B)
        return x, mem_mask, ratio

    def decode(self, memory, mem_mask, inputs, decoder_dropout=True, on_cross0=None):
        T = inputs.shape[1]
        saved = self.drop
        if not decoder_dropout:
            self.drop = 0.0
        x = self.linear("frame_in", inputs) + self.pe[:T]
        causal = torch.triu(torch.full((T, T), MASK_VALUE, device=inputs.device), diagonal=1)[None, None]
        for i in range(self.cfg["decoderLayers"]):
            n = f"dec.{i}"
            h1 = self.ln(n + ".ln1", x)
            x = x + self.dropout(self.attention(n + ".self", h1, h1, causal))
            h2 = self.ln(n + ".ln2", x)
            x = x + self.dropout(self.attention(n + ".cross", h2, memory, mem_mask, on_cross0 if i == 0 else None))
            x = x + self.dropout(self.ff(n + ".ff", self.ln(n + ".ln3", x)))
        out = self.linear("out.head", self.ln("out.ln", x))
        self.drop = saved
        return out


class LossTerms:
    """Everything of the loss that does not depend on the weights: statistics and the hand-shape term indices."""

    def __init__(self, pack, device):
        cfg = pack["config"]
        self.cfg = cfg
        st = pack["stats"]
        self.standardized = bool(cfg.get("normalize")) and st is not None
        terms = np.asarray(pack["handTerms"], dtype=np.int64)
        self.a, self.w, self.pa, self.pw = (torch.from_numpy(terms[:, j]).to(device) for j in range(4))
        if st is not None:
            self.mean = torch.tensor(st["mean"], dtype=torch.float32, device=device)
            self.std = torch.tensor(st["std"], dtype=torch.float32, device=device)
            hs = torch.tensor(st["handRelStd"], dtype=torch.float32, device=device)
            self.hand_w = 1 / (hs * hs)
        else:
            self.mean = self.std = None
            self.hand_w = torch.ones(len(terms), device=device)

    def raw(self, x):
        return x * self.std + self.mean if self.standardized else x

    def hand(self, pred, targets, mask):
        """handShapeLoss: weighted MSE of finger − wrist offsets where both points are present in the target."""
        rt = self.raw(targets)
        valid = (rt[..., self.pa] > 0.5) & (rt[..., self.pw] > 0.5) & (mask[..., None] > 0)
        # Divided by at least 1 so that the step never waits on the device; with no valid term the sum is 0 anyway.
        count = valid.sum().clamp(min=1)
        rel_t = rt[..., self.a] - rt[..., self.w]
        rp = self.raw(pred)
        rel_p = rp[..., self.a] - rp[..., self.w]
        return (((rel_p - rel_t) ** 2) * self.hand_w * valid).sum() / count


def shifted_inputs(targets, lengths, progress):
    """shiftedInputs: position 0 = zero frame, counter 0; position t = target t−1 with counter t/L (or t/96)."""
    B, T, D = targets.shape
    inputs = torch.zeros(B, T, D + 1, device=targets.device)
    inputs[:, 1:, :D] = targets[:, :-1]
    t = torch.arange(T, device=targets.device, dtype=torch.float32)[None, :]
    inputs[:, :, D] = t / lengths[:, None] if progress else (t / MAX_FRAMES).expand(B, T)
    return inputs


def generator_loss(model, terms, b, noise=0.0, self_feed=0.0, gen=None):
    """generatorLoss: pose MSE + w·length MSE + w·hand-shape + w·guided attention; returns (loss, parts)."""
    cfg = terms.cfg
    ids, targets, mask = b["ids"], b["targets"], b["mask"]
    memory, mem_mask, ratio = model.encode(ids)
    inputs = shifted_inputs(targets, b["lengths"], cfg.get("counter") == "progress")
    if noise > 0:
        inputs[:, 1:, :384] += noise * torch.randn(inputs[:, 1:, :384].shape, device=inputs.device, generator=gen)
    if self_feed > 0:
        with torch.no_grad():
            first = model.decode(memory, mem_mask, inputs, decoder_dropout=False)
        B, T = mask.shape
        pick = (torch.rand((B, T), device=inputs.device, generator=gen) < self_feed) & (mask > 0)
        pick[:, 0] = False
        prev = torch.zeros_like(first)
        prev[:, 1:] = first[:, :-1]
        inputs[:, :, :384] = torch.where(pick[..., None], prev, inputs[:, :, :384])
    aw = cfg.get("alignLossWeight") or 0
    cross = []
    pred = model.decode(memory, mem_mask, inputs, on_cross0=cross.append if aw > 0 and "align_tokens" in b else None)
    pose = (((pred - targets) ** 2) * mask[..., None]).sum() / (mask.sum() * 384)
    length = ((ratio - b["lengths"] / MAX_FRAMES) ** 2).mean()
    hw = cfg.get("handLossWeight") or 0
    hand = terms.hand(pred, targets, mask) if hw > 0 else pose * 0
    align = pose * 0
    if cross:
        probs = cross[0]
        on_target = (probs * b["align_tokens"][:, None]).sum(-1)
        align = ((1 - on_target) * b["align_frames"][:, None]).sum() / (b["align_frames"].sum().clamp(min=1) * probs.shape[1])
    loss = pose + cfg["lengthLossWeight"] * length + hw * hand + aw * align
    return loss, {"pose": pose, "length": length, "hand": hand, "align": align}


def lr_at(cfg, step, progress):
    """warmupCosine (nn/optim.ts); `progress` in [0, 1] replaces the step fraction under a time budget."""
    lr, min_lr = cfg["lr"], min(cfg["minLr"], cfg["lr"])
    warm = min(cfg["warmupSteps"], cfg["steps"] // 10)
    if step < warm:
        return lr * (step + 1) / warm
    return min_lr + 0.5 * (lr - min_lr) * (1 + math.cos(math.pi * min(1.0, progress)))


def evaluate(model, terms, split, limit=64):
    """evaluateTeacherForced: teacher-forced dev losses on up to `limit` examples, batches of 16."""
    model.eval()
    n = min(limit, split.n)
    sums = {"pose": 0.0, "length": 0.0, "hand": 0.0, "align": 0.0}
    with torch.no_grad():
        for i in range(0, n, 16):
            idx = np.arange(i, min(n, i + 16))
            _, parts = generator_loss(model, terms, split.batch(idx))
            for k in sums:
                sums[k] += float(parts[k]) * len(idx)
    model.train()
    cfg = terms.cfg
    hw, aw = cfg.get("handLossWeight") or 0, (cfg.get("alignLossWeight") or 0) if split.align is not None else 0
    out = {"dev_pose_mse": sums["pose"] / n, "dev_length_mse": sums["length"] / n}
    if hw > 0:
        out["dev_hand_mse"] = sums["hand"] / n
    if aw > 0:
        out["dev_align_miss"] = sums["align"] / n
    out["dev_total"] = (sums["pose"] + cfg["lengthLossWeight"] * sums["length"] + hw * sums["hand"] + aw * sums["align"]) / n
    out["dev_examples"] = n
    return out


def thin(history, at_most=2000):
    """Keeps at most `at_most` points of the loss history (evenly spaced, the last kept)."""
    if len(history) <= at_most:
        return history
    k = math.ceil(len(history) / at_most)
    return [p for i, p in enumerate(history) if i % k == 0 or i == len(history) - 1]


def bench(model, terms, cfg, device, steps):
    """Steps/s of training steps (loss, backward, AdamW) on one random 96-frame batch: the same work as the tfjs
    figure of bench/generator.bench.ts (no dropout, input noise or self-feed)."""
    B, S, T = cfg["batch"], 20, MAX_FRAMES
    g = torch.Generator(device="cpu").manual_seed(1)
    b = {"ids": torch.randint(4, model.P["tok.w"].shape[0], (B, S), generator=g).to(device),
         "targets": torch.rand((B, T, 384), generator=g).to(device), "mask": torch.ones(B, T, device=device),
         "lengths": torch.full((B,), float(T), device=device)}
    opt = torch.optim.AdamW(model.parameters(), lr=1e-4)

    def step():
        loss, _ = generator_loss(model, terms, b)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        float(loss.detach())

    step()  # warm-up
    t0 = time.time()
    for _ in range(steps):
        step()
    print(json.dumps({"stepsPerSecond": steps / (time.time() - t0), "device": device, "threads": torch.get_num_threads()}))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("pack", help="training pack directory (generator/pack.ts)")
    ap.add_argument("--init", required=True, help="checkpoint directory with the initial weights")
    ap.add_argument("--out", required=True, help="checkpoint directory to write")
    ap.add_argument("--device", default="auto", help="auto (cuda when available), cuda, cpu")
    ap.add_argument("--seed", type=int, default=27)
    ap.add_argument("--time-budget", type=float, default=0, help="seconds: the cosine schedule runs over wall time and training stops there (0: the config's steps)")
    ap.add_argument("--log-every", type=int, default=100)
    ap.add_argument("--save-every", type=int, default=0, help="steps between checkpoints (0: steps/10; the last is always saved)")
    ap.add_argument("--no-optimizer-state", action="store_true", help="leave the Adam moments out of the checkpoint (smaller; no resume)")
    ap.add_argument("--check-loss", type=int, default=0, metavar="N", help="print the loss terms of the first N training examples as one batch (no dropout, noise or self-feed) and exit")
    ap.add_argument("--bench", type=int, default=0, metavar="STEPS", help="time STEPS training steps on a random full batch (config batch x 96 frames, 20 tokens), print steps/s as JSON and exit (the pack needs no examples)")
    args = ap.parse_args()

    with open(os.path.join(args.pack, "pack.json"), encoding="utf-8") as f:
        pack = json.load(f)
    if pack.get("format") != PACK_FORMAT or pack.get("version") != 1:
        fail(f"{args.pack}/pack.json: not a signbench generator pack")
    cfg = pack["config"]
    if args.device not in ("auto", "cuda", "cpu"):
        fail(f"--device must be auto, cuda or cpu, got {args.device!r}")
    if args.device == "cuda" and not torch.cuda.is_available():
        fail(f"--device cuda: PyTorch {torch.__version__} sees no CUDA device (use --device auto or cpu)")
    device = ("cuda" if torch.cuda.is_available() else "cpu") if args.device == "auto" else args.device
    torch.manual_seed(args.seed)
    if device == "cuda":
        torch.backends.cuda.matmul.allow_tf32 = False  # keep float32 arithmetic: the ONNX export runs in float32
    init_manifest, weights = read_checkpoint(args.init)
    model = Generator(cfg, weights, device)
    terms = LossTerms(pack, device)
    if args.bench:
        bench(model, terms, cfg, device, args.bench)
        return
    if "train" not in pack["splits"]:
        fail(f"{args.pack}/pack.json: no train split")
    train = Split(args.pack, "train", pack["splits"]["train"], device)
    dev = Split(args.pack, "dev", pack["splits"]["dev"], device) if "dev" in pack["splits"] else None

    if args.check_loss:
        model.eval()
        with torch.no_grad():
            loss, parts = generator_loss(model, terms, train.batch(np.arange(min(args.check_loss, train.n))))
        print(json.dumps({"loss": float(loss), **{k: float(v) for k, v in parts.items()}}))
        return

    model.drop = cfg.get("dropout") or 0.0
    decay = [p for n, p in model.P.items() if p.dim() >= 2]
    no_decay = [p for n, p in model.P.items() if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": cfg["weightDecay"]}, {"params": no_decay, "weight_decay": 0.0}],
                            lr=cfg["lr"], betas=(0.9, 0.999), eps=1e-8, fused=device == "cuda")
    gen = torch.Generator(device=device).manual_seed(args.seed)
    shuffle = torch.Generator().manual_seed(args.seed)
    steps = cfg["steps"]
    budget = args.time_budget
    save_every = args.save_every or max(50, round(steps / 10))
    log = LossLog(fail)
    history = log.history
    perm, pos = torch.randperm(train.n, generator=shuffle), 0
    t0 = time.time()
    sys.stderr.write(f"[torch] {device}{' ' + torch.cuda.get_device_name() if device == 'cuda' else ''}: {sum(p.numel() for p in model.P.values())} params, "
                     f"{train.n} examples, batch {cfg['batch']}, " + (f"{budget:.0f} s budget\n" if budget else f"{steps} steps\n"))

    def save(step, final):
        extra = dict(init_manifest.get("extra") or {})
        extra.pop("history", None)
        extra["history"] = thin(history)
        extra["trainer"] = {"name": "torch", "torch": torch.__version__, "device": torch.cuda.get_device_name() if device == "cuda" else "cpu",
                            "seconds": round(time.time() - t0, 1), "stepsPerSecond": step / max(1e-9, time.time() - t0), "timeBudget": budget or None}
        if final and dev is not None:
            extra["metrics"] = evaluate(model, terms, dev)
        arrays = [(n, p.detach().cpu().numpy()) for n, p in model.P.items()]
        manifest = {"format": CHECKPOINT_FORMAT, "version": 1, "step": step, "config": dict(cfg, steps=step) if final else cfg,
                    "vocab": pack["vocab"], "extra": extra}
        if not args.no_optimizer_state:
            for kind, key in (("m", "exp_avg"), ("v", "exp_avg_sq")):
                arrays += [(f"adam.{kind}/{n}", opt.state[p][key].detach().cpu().numpy()) for n, p in model.P.items() if p in opt.state]
            manifest["optimizerStep"] = step
        write_checkpoint(args.out, manifest, arrays)

    step = 0
    while True:
        elapsed = time.time() - t0
        if (budget and elapsed >= budget) or (not budget and step >= steps):
            break
        progress = elapsed / budget if budget else (step - min(cfg["warmupSteps"], steps // 10)) / max(1, steps - min(cfg["warmupSteps"], steps // 10))
        lr = lr_at(cfg, step, progress)
        if pos + cfg["batch"] > train.n:
            perm, pos = torch.randperm(train.n, generator=shuffle), 0
        idx = perm[pos:pos + cfg["batch"]].numpy()
        pos += cfg["batch"]
        loss, parts = generator_loss(model, terms, train.batch(idx), cfg.get("inputNoise") or 0, cfg.get("selfFeed") or 0, gen)
        optimizer_step(model, opt, loss, lr, cfg["clipNorm"])
        step += 1
        log.record(step, loss, parts)
        if step % args.log_every == 0:
            sps, left = speed_and_eta(step, steps, budget, t0)
            shown = ", ".join(f"{k} {v:.4f}" for k, v in log.parts.items() if k in ("pose", "hand", "align") and v > 0)
            sys.stderr.write(f"[torch] step {step}{'' if budget else '/' + str(steps)} loss {log.ema:.5f} ({shown}) lr {lr:.2e} {sps:.1f} steps/s ETA {left:.0f} s\n")
        if not budget and step % save_every == 0 and step < steps:
            save(step, False)
    save(step, True)
    sys.stderr.write(f"[torch] done: {step} steps in {time.time() - t0:.0f} s -> {args.out}\n")


if __name__ == "__main__":
    main()
