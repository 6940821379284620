#!/usr/bin/env python3
"""PyTorch trainer of the non-autoregressive signbench generator (generator/nar/).

Two stages, trained together on a pack written by generator/nar/pack.ts:
  text -> glosses   a text encoder and a slot decoder: `glossSlots` learned queries attend to the text (and to each
                    other) and each names the gloss at its position (<pad> after <eos>): the gloss order is predicted
                    in one pass, no autoregressive loop;
  glosses -> frames a gloss encoder; a duration head (per gloss: frames of the transition into it and of the sign,
                    as log(1 + frames)); a length regulator that gives every frame the gloss it comes from, the gloss
                    it goes to and its phase in the segment; a transformer over all frames that outputs the 384 pose
                    values of each frame (full frame, 24 fps, standardised).
Training uses the true durations (teacher forcing of the regulator); inference (generator/nar/runtime.ts) uses the
predicted ones. Writes a signbench checkpoint (weights.bin + manifest.json; linear weights [in, out]) that
generator/nar/export.ts turns into ONNX graphs. Used by `signbench train generator --config nar`.
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
from train import CHECKPOINT_FORMAT, LN_EPS, MASK_VALUE, sinusoidal, thin, write_checkpoint  # noqa: E402

PACK_FORMAT = "signbench-generator-nar-pack"
PAD, BOS, EOS = 0, 2, 3
PHASE_DIM = 12  # generator/nar/regulate.ts PHASE_DIM


def fail(msg):
    sys.stderr.write(f"generator/torch/train_nar.py: {msg}\n")
    sys.exit(2)


# ---------------------------------------------------------------- length regulation (generator/nar/regulate.ts)

def regulate(durs):
    """durs: [G, 2] (gap, sign) frames per gloss token -> from_idx [T], to_idx [T], phase [T, PHASE_DIM].
    A gap segment goes from the last gloss that had a sign (<bos> at first) to this one; a sign segment stays on it;
    u runs 0..1 over each segment."""
    frm, to, ph = [], [], []
    last = 0
    for i, (gap, sign) in enumerate(durs):
        for kind, n in ((0, int(gap)), (1, int(sign))):
            for k in range(n):
                u = k / (n - 1) if n > 1 else 1.0
                frm.append(i if kind == 1 else last)
                to.append(i)
                ph.append(phase_features(u, kind, n))
        if sign > 0:
            last = i
    return np.asarray(frm, np.int64), np.asarray(to, np.int64), np.asarray(ph, np.float32).reshape(-1, PHASE_DIM)


def phase_features(u, kind, n):
    f = [u, 1.0 - kind, float(kind), n / 24.0]
    for k in (1, 2, 3, 4):
        f += [math.sin(k * math.pi * u), math.cos(k * math.pi * u)]
    return f


# ---------------------------------------------------------------- pack

class Split:
    def __init__(self, pack_dir, name, info, slots, stride=1):
        self.n = n = info["examples"]
        if n == 0:
            fail(f"{pack_dir}/pack.json: split {name} is empty")
        tl, gl, fl = (np.asarray(info[k], np.int64) for k in ("text", "gloss", "frames"))
        text = np.fromfile(os.path.join(pack_dir, f"{name}.text.i32"), dtype="<i4")
        gloss = np.fromfile(os.path.join(pack_dir, f"{name}.gloss.i32"), dtype="<i4")
        dur = np.fromfile(os.path.join(pack_dir, f"{name}.dur.i32"), dtype="<i4")
        frames = np.fromfile(os.path.join(pack_dir, f"{name}.frames.f32"), dtype="<f4")
        if text.size != tl.sum() or gloss.size != gl.sum() or dur.size != 2 * gl.sum() or frames.size != fl.sum() * 384:
            fail(f"{pack_dir}: {name}.* do not match pack.json")
        self.S, self.G = int(tl.max()), int(gl.max())
        self.text = np.zeros((n, self.S), np.int64)
        self.gloss = np.zeros((n, self.G), np.int64)
        self.dur = np.zeros((n, self.G, 2), np.float32)
        self.target = np.zeros((n, slots), np.int64)
        # The model sees every `stride`-th frame (frameStride: 2 = 12 fps from a 24-fps corpus).
        self.foff = np.concatenate([[0], np.cumsum(fl)])
        all_frames = frames.reshape(-1, 384)
        keep = np.concatenate([np.arange(self.foff[i], self.foff[i + 1], stride) for i in range(n)])
        self.frames = torch.from_numpy(all_frames[keep]).to(torch.float16)
        self.fl = (fl + stride - 1) // stride
        self.foff = np.concatenate([[0], np.cumsum(self.fl)])
        self.reg = []
        to = go = 0
        for i in range(n):
            self.text[i, :tl[i]] = text[to:to + tl[i]]
            g = gloss[go:go + gl[i]]
            d = dur[2 * go:2 * (go + gl[i])].reshape(-1, 2)
            self.gloss[i, :gl[i]] = g
            self.dur[i, :gl[i]] = d
            tgt = g[1:][:slots]  # glosses [?] <eos>, without <bos>
            self.target[i, :len(tgt)] = tgt
            f, t, p = regulate(d)
            if len(f) != fl[i]:  # fl: frames at the corpus rate
                fail(f"{pack_dir}: {name} example {i}: durations sum to {len(f)} frames, the sequence has {fl[i]}")
            self.reg.append((f[::stride], t[::stride], p[::stride]))
            to += tl[i]
            go += gl[i]

    def batch(self, idx):
        idx = np.asarray(idx)
        S = int((self.text[idx] != PAD).sum(1).max())
        G = int((self.gloss[idx] != PAD).sum(1).max())
        T = int(self.fl[idx].max())
        B = len(idx)
        frm = np.zeros((B, T), np.int64)
        to = np.zeros((B, T), np.int64)
        ph = np.zeros((B, T, PHASE_DIM), np.float32)
        tg = torch.zeros((B, T, 384))
        mask = np.zeros((B, T), np.float32)
        for j, i in enumerate(idx):
            f, t, p = self.reg[i]
            L = len(f)
            frm[j, :L], to[j, :L], ph[j, :L], mask[j, :L] = f, t, p, 1
            tg[j, :L] = self.frames[self.foff[i]:self.foff[i + 1]].float()
        return {
            "text": torch.from_numpy(self.text[idx, :S]), "gloss": torch.from_numpy(self.gloss[idx, :G]),
            "dur": torch.from_numpy(self.dur[idx, :G]), "target": torch.from_numpy(self.target[idx]),
            "from": torch.from_numpy(frm), "to": torch.from_numpy(to), "phase": torch.from_numpy(ph),
            "frames": tg, "mask": torch.from_numpy(mask),
        }


# ---------------------------------------------------------------- model

class NarGenerator(torch.nn.Module):
    def __init__(self, cfg, text_vocab, gloss_vocab, seed):
        super().__init__()
        self.cfg = cfg
        self.P = {}
        g = torch.Generator().manual_seed(seed)
        dt, d, ff = cfg["textD"], cfg["d"], cfg["ff"]

        def add(name, shape, kind):
            if kind == "zeros":
                t = torch.zeros(shape)
            elif kind == "ones":
                t = torch.ones(shape)
            elif kind == "emb":
                t = torch.randn(shape, generator=g) * (1 / math.sqrt(shape[-1]))
            else:  # glorot uniform, as nn/params.ts
                lim = math.sqrt(6 / (shape[0] + shape[1]))
                t = (torch.rand(shape, generator=g) * 2 - 1) * lim
            p = torch.nn.Parameter(t)
            self.register_parameter(name.replace(".", "_"), p)
            self.P[name] = p

        def linear(name, i, o, bias=True):
            add(name + ".w", (i, o), "glorot")
            if bias:
                add(name + ".b", (o,), "zeros")

        def ln(name, n):
            add(name + ".g", (n,), "ones")
            add(name + ".b", (n,), "zeros")

        def attn(name, n):
            for p in "qkvo":
                linear(f"{name}.{p}", n, n)

        def ffn(name, n, hidden):
            linear(name + ".fc1", n, hidden)
            linear(name + ".fc2", hidden, n)

        def enc_layer(name, n, hidden):
            ln(name + ".ln1", n)
            attn(name + ".attn", n)
            ln(name + ".ln2", n)
            ffn(name + ".ff", n, hidden)

        # text -> glosses
        add("t2g.tok.w", (text_vocab, dt), "emb")
        for i in range(cfg["textLayers"]):
            enc_layer(f"t2g.enc.{i}", dt, 4 * dt)
        add("t2g.slot.w", (cfg["glossSlots"], dt), "emb")
        for i in range(cfg["slotLayers"]):
            n = f"t2g.dec.{i}"
            ln(n + ".ln1", dt)
            attn(n + ".self", dt)
            ln(n + ".ln2", dt)
            attn(n + ".cross", dt)
            ln(n + ".ln3", dt)
            ffn(n + ".ff", dt, 4 * dt)
        ln("t2g.out.ln", dt)
        linear("t2g.out.head", dt, gloss_vocab)
        # glosses -> frames
        add("g.tok.w", (gloss_vocab, d), "emb")
        for i in range(cfg["glossLayers"]):
            enc_layer(f"g.enc.{i}", d, ff)
        ln("dur.ln", d)
        linear("dur.fc1", d, d)
        linear("dur.fc2", d, 2)
        linear("fr.a", d, d, bias=False)
        linear("fr.b", d, d)
        linear("fr.p", PHASE_DIM, d, bias=False)
        for i in range(cfg["frameLayers"]):
            enc_layer(f"fd.{i}", d, ff)
        ln("out.ln", d)
        linear("out.head", d, 384)
        self.K = cfg.get("templateKeys") or 0
        if self.K:
            # Sign templates: per gloss K keyframes (standardised pose), set from the training means (set_templates)
            # and trained on; the frame decoder predicts the residual.
            add("prior.table", (gloss_vocab, self.K, 384), "zeros")
            linear("fr.q", 384, d, bias=False)
            with torch.no_grad():
                self.P["out.head.w"].mul_(0.1)
        rows = max(cfg["maxFrames"], cfg["maxTextLen"], cfg["maxGlosses"], cfg["glossSlots"]) + 1
        self.pe = {dt: sinusoidal(rows, dt), d: sinusoidal(rows, d)}
        self.drop = 0.0

    def dropout(self, x):
        return F.dropout(x, self.drop, self.training) if self.drop > 0 else x

    def linear(self, name, x):
        y = x @ self.P[name + ".w"]
        b = self.P.get(name + ".b")
        return y + b if b is not None else y

    def ln(self, name, x):
        return F.layer_norm(x, (x.shape[-1],), self.P[name + ".g"], self.P[name + ".b"], LN_EPS)

    def attention(self, name, xq, xkv, mask, heads):
        B, Tq, d = xq.shape
        dh = d // heads
        q = self.linear(name + ".q", xq).view(B, Tq, heads, dh).transpose(1, 2)
        k = self.linear(name + ".k", xkv).view(B, -1, heads, dh).transpose(1, 2)
        v = self.linear(name + ".v", xkv).view(B, -1, heads, dh).transpose(1, 2)
        scores = (q @ k.transpose(-1, -2)) * (1 / math.sqrt(dh))
        if mask is not None:
            scores = scores + mask
        out = (self.dropout(torch.softmax(scores, -1)) @ v).transpose(1, 2).reshape(B, Tq, d)
        return self.linear(name + ".o", out)

    def ff(self, name, x):
        return self.linear(name + ".fc2", self.dropout(F.gelu(self.linear(name + ".fc1", x))))

    def enc_layer(self, n, x, mask, heads):
        h = self.ln(n + ".ln1", x)
        x = x + self.dropout(self.attention(n + ".attn", h, h, mask, heads))
        return x + self.dropout(self.ff(n + ".ff", self.ln(n + ".ln2", x)))

    def pe_rows(self, n, d):
        return self.pe[d][:n]

    def glosses(self, text):
        """text ids [B, S] -> gloss logits [B, slots, glossVocab]."""
        cfg = self.cfg
        dt, H = cfg["textD"], cfg["textHeads"]
        B, S = text.shape
        mask = torch.where(text == PAD, MASK_VALUE, 0.0)[:, None, None, :]
        x = self.P["t2g.tok.w"][text] * math.sqrt(dt) + self.pe_rows(S, dt)
        for i in range(cfg["textLayers"]):
            x = self.enc_layer(f"t2g.enc.{i}", x, mask, H)
        y = self.P["t2g.slot.w"][None].expand(B, -1, -1)
        for i in range(cfg["slotLayers"]):
            n = f"t2g.dec.{i}"
            h1 = self.ln(n + ".ln1", y)
            y = y + self.dropout(self.attention(n + ".self", h1, h1, None, H))
            h2 = self.ln(n + ".ln2", y)
            y = y + self.dropout(self.attention(n + ".cross", h2, x, mask, H))
            y = y + self.dropout(self.ff(n + ".ff", self.ln(n + ".ln3", y)))
        return self.linear("t2g.out.head", self.ln("t2g.out.ln", y))

    def encode_glosses(self, gloss):
        """gloss ids [B, G] -> states [B, G, d], log-durations [B, G, 2]."""
        cfg = self.cfg
        d, H = cfg["d"], cfg["heads"]
        B, G = gloss.shape
        mask = torch.where(gloss == PAD, MASK_VALUE, 0.0)[:, None, None, :]
        x = self.P["g.tok.w"][gloss] * math.sqrt(d) + self.pe_rows(G, d)
        for i in range(cfg["glossLayers"]):
            x = self.enc_layer(f"g.enc.{i}", x, mask, H)
        dur = self.linear("dur.fc2", F.gelu(self.linear("dur.fc1", self.ln("dur.ln", x))))
        return x, dur

    def prior(self, gloss, frm, to, phase):
        """Template prior [B, T, 384]: a sign row interpolates its gloss's keyframes at u; a gap row eases (as the
        corpus's transitions) from the last keyframe of the gloss it comes from to the first of the one it goes to."""
        K = self.K
        table = self.P["prior.table"]
        gf, gt = torch.gather(gloss, 1, frm), torch.gather(gloss, 1, to)
        u = phase[..., 0:1]
        w = torch.relu(1 - (u * (K - 1) - torch.arange(K, dtype=phase.dtype)).abs())  # [B, T, K]
        sign = (w[..., None] * table[gt]).sum(2)
        end_from, start_to = table[:, K - 1][gf], table[:, 0][gt]
        e = 0.5 - 0.5 * phase[..., 5:6]
        return phase[..., 2:3] * sign + phase[..., 1:2] * (end_from + e * (start_to - end_from))

    def frames(self, states, frm, to, phase, frame_mask=None, gloss=None):
        """states [B, G, d], from/to [B, T] gloss indices, phase [B, T, PHASE_DIM] -> frames [B, T, 384]."""
        cfg = self.cfg
        d, H = cfg["d"], cfg["heads"]
        B, T = frm.shape
        a = self.linear("fr.a", states)
        b = self.linear("fr.b", states)
        x = (torch.gather(a, 1, frm[..., None].expand(-1, -1, d)) + torch.gather(b, 1, to[..., None].expand(-1, -1, d))
             + self.linear("fr.p", phase) + self.pe_rows(T, d))
        prior = None
        if self.K:
            prior = self.prior(gloss, frm, to, phase)
            x = x + self.linear("fr.q", prior)
        mask = None if frame_mask is None else torch.where(frame_mask > 0, 0.0, MASK_VALUE)[:, None, None, :]
        for i in range(cfg["frameLayers"]):
            x = self.enc_layer(f"fd.{i}", x, mask, H)
        out = self.linear("out.head", self.ln("out.ln", x))
        return out + prior if prior is not None else out


class Terms:
    def __init__(self, pack):
        st = pack["stats"]
        terms = np.asarray(pack["handTerms"], dtype=np.int64)
        self.a, self.w, self.pa, self.pw = (torch.from_numpy(terms[:, j]) for j in range(4))
        self.mean = torch.tensor(st["mean"], dtype=torch.float32)
        self.std = torch.tensor(st["std"], dtype=torch.float32)
        hs = torch.tensor(st["handRelStd"], dtype=torch.float32)
        self.hand_w = 1 / (hs * hs)
        q = pack["glossVocab"].index("?") if "?" in pack["glossVocab"] else -1
        self.silent = [BOS, q]

    def raw(self, x):
        return x * self.std + self.mean

    def hand(self, pred, targets, mask):
        rt = self.raw(targets)
        valid = (rt[..., self.pa] > 0.5) & (rt[..., self.pw] > 0.5) & (mask[..., None] > 0)
        count = valid.sum().clamp(min=1)
        rel_t = rt[..., self.a] - rt[..., self.w]
        rp = self.raw(pred)
        rel_p = rp[..., self.a] - rp[..., self.w]
        return (((rel_p - rel_t) ** 2) * self.hand_w * valid).sum() / count


def nar_loss(model, terms, b):
    cfg = model.cfg
    logits = model.glosses(b["text"])
    gloss_ce = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), b["target"].reshape(-1))
    states, logdur = model.encode_glosses(b["gloss"])
    tok = b["gloss"]
    dmask = ((tok != PAD) & (tok != terms.silent[0]) & (tok != terms.silent[1])).float()[..., None]
    dur = (((logdur - torch.log1p(b["dur"])) ** 2) * dmask).sum() / (dmask.sum() * 2).clamp(min=1)
    mask = b["mask"]
    pred = model.frames(states, b["from"], b["to"], b["phase"], mask, b["gloss"])
    pose = (((pred - b["frames"]) ** 2) * mask[..., None]).sum() / (mask.sum() * 384)
    hand = terms.hand(pred, b["frames"], mask)
    loss = pose + cfg["handLossWeight"] * hand + cfg["durationLossWeight"] * dur + cfg["glossLossWeight"] * gloss_ce
    return loss, {"pose": pose, "hand": hand, "dur": dur, "gloss": gloss_ce}, logits


def evaluate(model, terms, split, limit=128):
    model.eval()
    n = min(limit, split.n)
    sums = {"pose": 0.0, "hand": 0.0, "dur": 0.0, "gloss": 0.0}
    exact = 0
    with torch.no_grad():
        for i in range(0, n, 16):
            idx = np.arange(i, min(n, i + 16))
            b = split.batch(idx)
            _, parts, logits = nar_loss(model, terms, b)
            for k in sums:
                sums[k] += float(parts[k]) * len(idx)
            exact += int((logits.argmax(-1) == b["target"]).all(-1).sum())
    model.train()
    return {"dev_pose_mse": sums["pose"] / n, "dev_hand_mse": sums["hand"] / n, "dev_log_duration_mse": sums["dur"] / n,
            "dev_gloss_ce": sums["gloss"] / n, "dev_gloss_exact": exact / n, "dev_examples": n}


def set_templates(model, split, bos, eos):
    """prior.table from the training split: per gloss and keyframe k the hat-weighted mean of its sign rows
    (weight max(0, 1 - |u (K - 1) - k|)); <bos> and <eos> hold the mean first and last rows (rest)."""
    K = model.K
    V = model.P["prior.table"].shape[0]
    sx = np.zeros((V, K, 384))
    sw = np.zeros((V, K))
    first, last = np.zeros(384), np.zeros(384)
    for i in range(split.n):
        f, t, p = split.reg[i]
        x = split.frames[split.foff[i]:split.foff[i + 1]].float().numpy().astype(np.float64)
        first += x[0]
        last += x[-1]
        rows = p[:, 2] > 0.5
        ids = split.gloss[i][t[rows]]
        u = p[rows, 0]
        for k in range(K):
            w = np.maximum(0.0, 1 - np.abs(u * (K - 1) - k))
            np.add.at(sx[:, k], ids, w[:, None] * x[rows])
            np.add.at(sw[:, k], ids, w)
    table = np.where(sw[..., None] > 1e-6, sx / np.maximum(sw[..., None], 1e-6), 0.0)
    table[bos] = first / split.n
    table[eos] = last / split.n
    with torch.no_grad():
        model.P["prior.table"].copy_(torch.from_numpy(table.astype(np.float32)))


def bucketed(lengths, batch, gen, window=32):
    """One epoch of batches: shuffled, then sorted by length within windows of `window` batches (less padding),
    the batches themselves in random order."""
    perm = torch.randperm(len(lengths), generator=gen).numpy()
    out = []
    for w in range(0, len(perm), batch * window):
        chunk = perm[w:w + batch * window]
        chunk = chunk[np.argsort(lengths[chunk], kind="stable")]
        out += [chunk[i:i + batch] for i in range(0, len(chunk), batch) if len(chunk[i:i + batch]) == batch]
    order = torch.randperm(len(out), generator=gen).numpy()
    return [out[i] for i in order]


def dump(model, split, ckpt, n):
    from train import read_checkpoint
    _, weights = read_checkpoint(ckpt)
    with torch.no_grad():
        for name, p in model.P.items():
            p.copy_(torch.from_numpy(weights[name]))
        model.eval()
        out = []
        for i in range(min(n, split.n)):
            b = split.batch([i])
            states, logdur = model.encode_glosses(b["gloss"])
            frames = model.frames(states, b["from"], b["to"], b["phase"], None, b["gloss"])
            out.append({"text": b["text"][0].tolist(), "gloss": b["gloss"][0].tolist(), "gloss_ids": model.glosses(b["text"]).argmax(-1)[0].tolist(),
                        "log_durations": logdur[0].flatten().tolist(), "from": b["from"][0].tolist(), "to": b["to"][0].tolist(),
                        "phase": b["phase"][0].flatten().tolist(), "frames": frames[0].flatten().tolist()})
    print(json.dumps(out))


def lr_at(cfg, step, progress):
    lr, min_lr = cfg["lr"], min(cfg["minLr"], cfg["lr"])
    warm = min(cfg["warmupSteps"], max(1, cfg["steps"] // 10))
    if step < warm:
        return lr * (step + 1) / warm
    return min_lr + 0.5 * (lr - min_lr) * (1 + math.cos(math.pi * min(1.0, progress)))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("pack", help="training pack directory (generator/nar/pack.ts)")
    ap.add_argument("--out", required=True, help="checkpoint directory to write")
    ap.add_argument("--seed", type=int, default=27)
    ap.add_argument("--threads", type=int, default=2, help="torch CPU threads")
    ap.add_argument("--time-budget", type=float, default=0, help="seconds: the cosine schedule runs over wall time and training stops there (0: the config's steps)")
    ap.add_argument("--log-every", type=int, default=50)
    ap.add_argument("--save-every", type=float, default=600, help="seconds between checkpoints (the last is always saved)")
    ap.add_argument("--limit", type=int, default=0, help="train on the first N examples only (prototyping)")
    ap.add_argument("--init", default=None, help="warm start: the weights of this checkpoint directory (fresh optimizer and schedule)")
    ap.add_argument("--dump", type=int, default=0, metavar="N", help="load the checkpoint at --out and print, for the first N train examples, the predicted gloss ids, log-durations and frames (true durations) as JSON, then exit (export checks)")
    args = ap.parse_args()

    torch.set_num_threads(max(1, args.threads))
    with open(os.path.join(args.pack, "pack.json"), encoding="utf-8") as f:
        pack = json.load(f)
    if pack.get("format") != PACK_FORMAT or pack.get("version") != 1:
        fail(f"{args.pack}/pack.json: not a signbench non-autoregressive generator pack")
    cfg = pack["config"]
    torch.manual_seed(args.seed)
    t_load = time.time()
    stride = cfg.get("frameStride", 1)
    train = Split(args.pack, "train", pack["splits"]["train"], cfg["glossSlots"], stride)
    dev = Split(args.pack, "dev", pack["splits"]["dev"], cfg["glossSlots"], stride) if "dev" in pack["splits"] else None
    n_train = min(train.n, args.limit) if args.limit else train.n
    model = NarGenerator(cfg, len(pack["textVocab"]), len(pack["glossVocab"]), args.seed)
    terms = Terms(pack)
    if args.dump:
        dump(model, train, args.out, args.dump)
        return
    init_from = None
    if args.init:
        from train import read_checkpoint
        init_manifest, weights = read_checkpoint(args.init)
        missing = [n for n in model.P if n not in weights]
        if missing:
            fail(f"--init {args.init}: no weights for {', '.join(missing[:5])}")
        with torch.no_grad():
            for name, p in model.P.items():
                if tuple(weights[name].shape) != tuple(p.shape):
                    fail(f"--init {args.init}: {name} has shape {weights[name].shape}, the model {tuple(p.shape)}")
                p.copy_(torch.from_numpy(weights[name]))
        init_from = {"dir": args.init, "step": init_manifest.get("step")}
    elif model.K:
        t_tpl = time.time()
        set_templates(model, train if not args.limit else train, BOS, EOS)
        sys.stderr.write(f"[nar] sign templates ({model.K} keyframes per gloss) from the training means in {time.time() - t_tpl:.0f} s\n")
    model.drop = cfg.get("dropout") or 0.0
    decay = [p for n, p in model.P.items() if p.dim() >= 2]
    no_decay = [p for n, p in model.P.items() if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": cfg["weightDecay"]}, {"params": no_decay, "weight_decay": 0.0}],
                            lr=cfg["lr"], betas=(0.9, 0.999), eps=1e-8)
    shuffle = torch.Generator().manual_seed(args.seed)
    steps, budget = cfg["steps"], args.time_budget
    log = LossLog(fail)
    history = log.history
    batches, pos = [], 0
    params = sum(p.numel() for p in model.P.values())
    sys.stderr.write(f"[nar] cpu x{torch.get_num_threads()}: {params} params, {n_train} examples (loaded in {time.time() - t_load:.0f} s), "
                     f"batch {cfg['batch']}, " + (f"{budget:.0f} s budget\n" if budget else f"{steps} steps\n"))
    t0 = time.time()
    last_save = t0

    def save(step, final):
        extra = {"history": thin(history), "seed": args.seed, **({"initFrom": init_from} if init_from else {}), "textVocab": pack["textVocab"], "poseStats": pack["stats"],
                 "frame": {"width": pack["width"], "height": pack["height"], "fps": pack["fps"]},
                 "trainer": {"name": "torch-nar", "torch": torch.__version__, "device": "cpu", "threads": torch.get_num_threads(),
                             "seconds": round(time.time() - t0, 1), "stepsPerSecond": step / max(1e-9, time.time() - t0), "timeBudget": budget or None}}
        if final and dev is not None:
            extra["metrics"] = evaluate(model, terms, dev)
        arrays = [(n, p.detach().numpy()) for n, p in model.P.items()]
        manifest = {"format": CHECKPOINT_FORMAT, "version": 1, "step": step, "config": dict(cfg, steps=step) if final else cfg,
                    "vocab": pack["glossVocab"], "extra": extra}
        write_checkpoint(args.out, manifest, arrays)

    step = 0
    while True:
        elapsed = time.time() - t0
        if (budget and elapsed >= budget) or (not budget and step >= steps):
            break
        warm = min(cfg["warmupSteps"], max(1, steps // 10))
        progress = elapsed / budget if budget else (step - warm) / max(1, steps - warm)
        lr = lr_at(cfg, step, progress)
        if pos >= len(batches):
            batches, pos = bucketed(train.fl[:n_train], cfg["batch"], shuffle), 0
        idx = batches[pos]
        pos += 1
        loss, parts, _ = nar_loss(model, terms, train.batch(idx))
        optimizer_step(model, opt, loss, lr, cfg["clipNorm"])
        step += 1
        log.record(step, loss, parts)
        if step % args.log_every == 0:
            sps, left = speed_and_eta(step, steps, budget, t0)
            shown = ", ".join(f"{k} {v:.4f}" for k, v in log.parts.items())
            sys.stderr.write(f"[nar] step {step} loss {log.ema:.4f} ({shown}) lr {lr:.2e} {sps:.2f} steps/s ETA {left:.0f} s\n")
        if time.time() - last_save > args.save_every:
            save(step, False)
            last_save = time.time()
    save(step, True)
    sys.stderr.write(f"[nar] done: {step} steps in {time.time() - t0:.0f} s -> {args.out}\n")


if __name__ == "__main__":
    main()
