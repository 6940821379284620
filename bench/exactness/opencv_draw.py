"""Draws a batch of raster primitives with OpenCV and writes a summary of each one's pixels.

Usage: python3 opencv_draw.py BATCH.bin OUT.bin

BATCH.bin: little-endian int32 records of 12 values: kind, W, H, a0..a8.
  kind 0, limb ellipse:  cx, cy, axis_w, axis_h, angle      -> ellipse2Poly(.., 0, 360, 1) + fillConvexPoly
  kind 1, line:          x0, y0, x1, y1, thickness          -> cv2.line (LINE_8)
  kind 2, filled circle: cx, cy, radius                     -> cv2.circle(.., thickness=-1)
  kind 3, annotator limb: float32 bits of xa, ya, xb, yb (normalised), stickwidth
                         -> the DWPose annotator's draw_bodypose arithmetic, then as kind 0
OUT.bin: per record 12 int64 values: count, sum x, sum y, sum x*x, sum y*y, sum x*y, min x, min y, max x, max y,
  then for kinds 0 and 3: vertex count and a vertex hash (sum over i of (i + 1) * (x_i * 65599 + y_i)), else 0, 0.

The pixel set of each primitive (drawn alone on a black single-channel canvas of W x H) is summarised by its
moments; the TypeScript side computes the same moments from its own raster.
"""
import math
import sys

import cv2
import numpy as np


def limb_args(xa, ya, xb, yb, W, H):
    # draw_bodypose of the ControlNet DWPose annotator, with a float32 candidate array
    candidate = np.array([[xa, ya], [xb, yb]], dtype=np.float32)
    Y = candidate[[0, 1], 0] * float(W)
    X = candidate[[0, 1], 1] * float(H)
    mX = np.mean(X)
    mY = np.mean(Y)
    length = ((X[0] - X[1]) ** 2 + (Y[0] - Y[1]) ** 2) ** 0.5
    angle = math.degrees(math.atan2(X[0] - X[1], Y[0] - Y[1]))
    return int(mY), int(mX), int(length / 2), int(angle)


def main():
    batch = np.fromfile(sys.argv[1], dtype="<i4").reshape(-1, 12)
    out = np.zeros((len(batch), 12), dtype="<i8")
    canvas = None
    for r, rec in enumerate(batch):
        kind, W, H = int(rec[0]), int(rec[1]), int(rec[2])
        a = [int(v) for v in rec[3:]]
        if canvas is None or canvas.shape != (H, W):
            canvas = np.zeros((H, W), dtype=np.uint8)
        verts = None
        if kind in (0, 3):
            if kind == 0:
                cx, cy, aw, ah, ang = a[:5]
            else:
                f = rec[3:7].astype("<i4").view("<f4")
                cx, cy, aw, ang = limb_args(f[0], f[1], f[2], f[3], W, H)
                ah = a[4]
            verts = cv2.ellipse2Poly((cx, cy), (aw, ah), ang, 0, 360, 1)
            cv2.fillConvexPoly(canvas, verts, 255)
            x0, y0 = verts[:, 0].min(), verts[:, 1].min()
            x1, y1 = verts[:, 0].max(), verts[:, 1].max()
        elif kind == 1:
            p0x, p0y, p1x, p1y, t = a[:5]
            cv2.line(canvas, (p0x, p0y), (p1x, p1y), 255, t)
            x0, x1 = min(p0x, p1x) - t - 2, max(p0x, p1x) + t + 2
            y0, y1 = min(p0y, p1y) - t - 2, max(p0y, p1y) + t + 2
        elif kind == 2:
            cx, cy, rad = a[:3]
            cv2.circle(canvas, (cx, cy), rad, 255, -1)
            x0, x1, y0, y1 = cx - rad - 2, cx + rad + 2, cy - rad - 2, cy + rad + 2
        else:
            raise SystemExit(f"record {r}: unknown kind {kind}")
        x0, y0 = max(0, int(x0)), max(0, int(y0))
        x1, y1 = min(W - 1, int(x1)), min(H - 1, int(y1))
        if x0 <= x1 and y0 <= y1:
            region = canvas[y0:y1 + 1, x0:x1 + 1]
            ys, xs = np.nonzero(region)
            if len(xs):
                xs = xs.astype(np.int64) + x0
                ys = ys.astype(np.int64) + y0
                out[r, :10] = (len(xs), xs.sum(), ys.sum(), (xs * xs).sum(), (ys * ys).sum(), (xs * ys).sum(),
                               xs.min(), ys.min(), xs.max(), ys.max())
                region[ys - y0, xs - x0] = 0
        if W * H <= 4096 and canvas.any():  # the box above must hold everything drawn: checked where cheap
            raise SystemExit(f"record {r}: pixels outside the expected box")
        if verts is not None:
            v = verts.astype(np.int64)
            out[r, 10] = len(v)
            out[r, 11] = int(((np.arange(len(v), dtype=np.int64) + 1) * (v[:, 0] * 65599 + v[:, 1])).sum())
    out.tofile(sys.argv[2])


if __name__ == "__main__":
    main()
