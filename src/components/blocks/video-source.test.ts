import { describe, expect, it } from 'vitest';
import { classifyVideo } from './video-source.js';

describe('classifyVideo', () => {
  it.each([
    ['https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=42', 'dQw4w9WgXcQ'],
    ['https://m.youtube.com/watch?v=dQw4w9WgXcQ', 'dQw4w9WgXcQ'],
    ['https://youtu.be/dQw4w9WgXcQ?si=abc', 'dQw4w9WgXcQ'],
    ['https://www.youtube.com/shorts/dQw4w9WgXcQ', 'dQw4w9WgXcQ'],
    ['https://www.youtube.com/embed/dQw4w9WgXcQ', 'dQw4w9WgXcQ'],
    ['https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ', 'dQw4w9WgXcQ'],
  ])('embeds YouTube %s through youtube-nocookie', (src, id) => {
    const v = classifyVideo(src);
    expect(v).toMatchObject({ kind: 'embed', provider: 'YouTube', id });
    if (v.kind !== 'embed') throw new Error('unreachable');
    expect(new URL(v.embedSrc).origin).toBe('https://www.youtube-nocookie.com');
    expect(new URL(v.embedSrc).pathname).toBe(`/embed/${id}`);
  });

  it.each([
    ['https://vimeo.com/76979871', '76979871'],
    ['https://vimeo.com/channels/staffpicks/76979871', '76979871'],
    ['https://player.vimeo.com/video/76979871', '76979871'],
  ])('embeds Vimeo %s through player.vimeo.com', (src, id) => {
    const v = classifyVideo(src);
    expect(v).toMatchObject({ kind: 'embed', provider: 'Vimeo', id });
    if (v.kind !== 'embed') throw new Error('unreachable');
    expect(v.embedSrc.startsWith(`https://player.vimeo.com/video/${id}`)).toBe(true);
  });

  it('never lets anything but a strict id into the embed URL', () => {
    for (const src of [
      'https://www.youtube.com/watch?v=dQw4w9WgXcQ"onload=x',
      'https://www.youtube.com/watch?v=../../evil',
      'https://youtu.be/short',
      'https://www.youtube.com/embed/dQw4w9WgXcQ%2F..%2Fx',
      'https://vimeo.com/123abc',
      'https://player.vimeo.com/video/1/../../x',
    ]) {
      expect(classifyVideo(src).kind, src).not.toBe('embed');
    }
  });

  it('links to Wistia, Drive and other video pages', () => {
    expect(classifyVideo('https://home.wistia.com/medias/e4a27b971d')).toMatchObject({ kind: 'link', provider: 'Wistia' });
    expect(classifyVideo('https://fast.wistia.net/embed/iframe/abc')).toMatchObject({ kind: 'link', provider: 'Wistia' });
    expect(classifyVideo('https://drive.google.com/file/d/abc/view')).toMatchObject({ kind: 'link', provider: 'Google Drive' });
    expect(classifyVideo('https://www.youtube.com/@channel')).toMatchObject({ kind: 'link', provider: 'YouTube' });
  });

  it('plays files and unknown https URLs in <video>', () => {
    expect(classifyVideo('https://cdn.example.com/a/clip.MP4')).toMatchObject({ kind: 'file', extension: 'mp4' });
    expect(classifyVideo('https://cdn.example.com/clip.webm?x=1')).toMatchObject({ kind: 'file', extension: 'webm' });
    expect(classifyVideo('https://cdn.example.com/stream/42')).toMatchObject({ kind: 'file', extension: null });
  });
});
