/** The response body of a generated sequence, as POST /v1/generate and the sign.mt GET answer it (made in the pool worker). */
import { encodePoseFile } from '../../pose/formats/pose-format.js';
import { encodePoses } from '../../pose/io.js';
import type { PoseSequence } from '../../pose/sequence.js';
import type { GenerateEncoding } from './protocol.js';

export async function encodeGenerated(seq: PoseSequence, encoding: GenerateEncoding): Promise<Uint8Array> {
  return encoding === 'pose-plain' ? encodePoseFile(seq, { plain: true }) : encodePoses(seq, encoding);
}
