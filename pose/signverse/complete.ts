/** The `npz/.complete` marker of a SignVerse-2M video folder: UTF-8 `key=value` lines. */

export interface CompleteMarker {
  /** All key=value pairs in file order. */
  fields: Record<string, string>;
  videoId: string | null;
  fps: number | null;
  frames: number | null;
}

export function parseCompleteMarker(text: string): CompleteMarker {
  const fields: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    fields[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  }
  const num = (k: string): number | null => {
    const v = fields[k];
    if (v === undefined || !/^-?\d+(\.\d+)?$/.test(v)) return null;
    return Number(v);
  };
  return { fields, videoId: fields.video_id ?? null, fps: num('fps'), frames: num('frames') };
}

/** The marker the extraction pipeline writes after poses.npz (same keys and order). */
export function formatCompleteMarker(videoId: string, fps: number, frames: number, completedAt = new Date()): string {
  const p = (v: number) => String(v).padStart(2, '0');
  const d = completedAt;
  const stamp = `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
  return [
    `video_id=${videoId}`,
    `fps=${Math.round(fps)}`,
    `frames=${frames}`,
    'output_mode=single_poses_npy',
    'decode_mode=stream',
    'optimized_mode=True',
    'optimized_detect_resolution=512',
    'optimized_frame_stride=1',
    `completed_at=${stamp}`,
  ].join('\n') + '\n';
}
