import { describe, expect, it } from 'vitest';
import {
  formatVtt,
  parseCompleteMarker,
  parseVtt,
  parseVttTimestamp,
  selectEnglishVtt,
  selectSignVerseCaptions,
  formatCompleteMarker,
} from '../../pose/signverse/index.js';

describe('VTT captions (SignDW trainer rules)', () => {
  it('parses h:m:s.ms, m:s.ms, seconds and comma decimals', () => {
    expect(parseVttTimestamp('01:02:03.500')).toBe(3723.5);
    expect(parseVttTimestamp('02:03,250')).toBe(123.25);
    expect(parseVttTimestamp('7.5')).toBe(7.5);
    expect(parseVttTimestamp('x')).toBeNaN();
  });

  it('strips tags, skips NOTE/Kind/Language lines, joins lines and drops empty or reversed cues', () => {
    const vtt = [
      'WEBVTT', 'Kind: captions', 'Language: en', '',
      '1', '00:00:00.000 --> 00:00:02.000 align:start position:0%', 'Hello <c.colorE5E5E5><00:00:00.500>world</c>', 'again  and', '',
      'NOTE a comment', '',
      '00:00:02.000 --> 00:00:01.000', 'reversed', '',
      '00:00:03.000 --> 00:00:04.000', '<i> </i>', '',
      '00:00:04,000 --> 00:00:05,500', 'Kind: not a caption', 'last', '',
    ].join('\r\n');
    expect(parseVtt(vtt)).toEqual([
      { start: 0, end: 2, text: 'Hello world again and' },
      { start: 4, end: 5.5, text: 'last' },
    ]);
  });

  it('chooses English in the pipeline order: en, en-*, *-en', () => {
    expect(selectEnglishVtt(['v.de.vtt', 'v.en-de.vtt', 'v.en.vtt'], 'v')).toEqual({ name: 'v.en.vtt', language: 'en' });
    expect(selectEnglishVtt(['v.de.vtt', 'v.de-en.vtt', 'v.en-de.vtt'], 'v')).toEqual({ name: 'v.en-de.vtt', language: 'en-de' });
    expect(selectEnglishVtt(['v.fr.vtt', 'v.fr-en.vtt'], 'v')).toEqual({ name: 'v.fr-en.vtt', language: 'fr-en' });
    expect(selectEnglishVtt(['v.de.vtt'], 'v')).toBeNull();
    // ids containing dots
    expect(selectEnglishVtt(['a.b.c.en.vtt'], 'a.b.c')).toEqual({ name: 'a.b.c.en.vtt', language: 'en' });
  });

  it('prefers captions.json subtitle_en for the text and keeps the VTT cues', () => {
    const vtt = 'WEBVTT\n\n00:00.000 --> 00:01.000\nhello hello\n\n00:00.500 --> 00:02.000\nhello hello world\n';
    const json = JSON.stringify({ video_id: 'v', subtitle_en: 'hello world', languages: { en: { segments: [{ start_sec: 0, end_sec: 2, text: 'hello world' }] } } });
    const both = selectSignVerseCaptions('v', [{ name: 'v.en.vtt', text: vtt }, { name: 'v.captions.json', text: json }]);
    expect(both).toMatchObject({ language: 'en', source: 'captions.json', file: 'v.en.vtt', text: 'hello world' });
    expect(both.captions).toHaveLength(2);
    const jsonOnly = selectSignVerseCaptions('v', [{ name: 'v.captions.json', text: json }]);
    expect(jsonOnly).toMatchObject({ source: 'captions.json', text: 'hello world', captions: [{ start: 0, end: 2, text: 'hello world' }] });
    const brokenJson = selectSignVerseCaptions('v', [{ name: 'v.en.vtt', text: vtt }, { name: 'v.captions.json', text: '{' }]);
    expect(brokenJson).toMatchObject({ source: 'vtt', text: 'hello hello hello hello world' });
    expect(selectSignVerseCaptions('v', [{ name: 'v.de.vtt', text: vtt }])).toMatchObject({ language: null, text: null, captions: [] });
  });

  it('writes VTT and .complete markers it can read back', () => {
    const cues = [{ start: 0, end: 5.625, text: 'Sample signing clip.' }, { start: 3661.001, end: 3662, text: 'later' }];
    expect(parseVtt(formatVtt(cues))).toEqual(cues);
    const m = parseCompleteMarker(formatCompleteMarker('abc', 24, 135, new Date(Date.UTC(2026, 4, 1))));
    expect(m).toMatchObject({ videoId: 'abc', fps: 24, frames: 135 });
    expect(m.fields.completed_at).toBe('2026-05-01 00:00:00');
    expect(m.fields.output_mode).toBe('single_poses_npy');
  });
});
