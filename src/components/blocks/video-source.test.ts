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
      'https://youtube.com.evil.com/watch?v=dQw4w9WgXcQ',
      'https://www.youtube.com.evil.com/embed/dQw4w9WgXcQ?start=42',
      'https://evilyoutube.com/watch?v=dQw4w9WgXcQ',
      'https://youtu.be.evil.com/dQw4w9WgXcQ',
      'https://vimeo.com.evil.com/76979871',
      'https://player.vimeo.com.evil.com/video/76979871?h=abcdef',
      'https://evil.com/vimeo.com/76979871',
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

  it.each([
    'https://www.youtube.com/embed/videoseries?list=PLx0sYbCqOb8TBPRdmBHs5Iftvv9TPboYG',
    'https://www.youtube-nocookie.com/embed/videoseries?list=PLx',
    'https://www.youtube.com/embed/live_stream?channel=UC4R8DWoMoI7CAwX8_LjQHig',
    'https://youtu.be/videoseries?list=PLx',
    'https://www.youtube.com/watch?v=live_stream',
  ])('links a YouTube playlist or live player %s, never as a video id', (src) => {
    // Both names are 11 characters like an id: they once became /embed/videoseries with no list.
    expect(classifyVideo(src)).toEqual({ kind: 'link', href: src, provider: 'YouTube' });
  });

  it.each([
    ['https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=42', 42],
    ['https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=42s', 42],
    ['https://youtu.be/dQw4w9WgXcQ?t=1m30s', 90],
    ['https://youtu.be/dQw4w9WgXcQ?si=abc&t=1h2m3s', 3723],
    ['https://www.youtube.com/embed/dQw4w9WgXcQ?start=42', 42],
    ['https://www.youtube.com/shorts/dQw4w9WgXcQ?t=5', 5],
    ['https://www.youtube.com/watch?v=dQw4w9WgXcQ&start=7&t=99', 7],
  ])('carries the start time of %s into the embed and the page link', (src, start) => {
    const v = classifyVideo(src);
    if (v.kind !== 'embed') throw new Error(`not an embed: ${v.kind}`);
    const embed = new URL(v.embedSrc);
    expect(embed.searchParams.get('start')).toBe(String(start));
    expect([...embed.searchParams.keys()].sort()).toEqual(['autoplay', 'start']);
    expect(v.pageUrl).toBe(`https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=${start}s`);
  });

  it('drops a start time that is not plain seconds or h/m/s', () => {
    for (const t of ['0', '-5', '1.5', 'abc', '42"onload=x', '42&autoplay=0', '1m30', 'm', '12345678', '1e3', '%2042', ' 42']) {
      const v = classifyVideo(`https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=${encodeURIComponent(t)}`);
      if (v.kind !== 'embed') throw new Error(`not an embed: ${t}`);
      expect(v.embedSrc, t).toBe('https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1');
      expect(v.pageUrl, t).toBe('https://www.youtube.com/watch?v=dQw4w9WgXcQ');
    }
  });

  it.each([
    ['https://vimeo.com/groups/shortfilms/videos/76979871', '76979871'],
    ['https://www.vimeo.com/76979871/', '76979871'],
    ['https://player.vimeo.com/video/76979871?autoplay=0&foo=bar', '76979871'],
  ])('embeds the Vimeo video page %s', (src, id) => {
    const v = classifyVideo(src);
    expect(v).toMatchObject({ kind: 'embed', provider: 'Vimeo', id, pageUrl: `https://vimeo.com/${id}` });
    if (v.kind !== 'embed') throw new Error('unreachable');
    expect(v.embedSrc).toBe(`https://player.vimeo.com/video/${id}?autoplay=1&dnt=1`);
  });

  it.each([
    'https://vimeo.com/showcase/11111111',
    'https://vimeo.com/showcase/11111111/video/22222222',
    'https://vimeo.com/album/2222222',
    'https://vimeo.com/event/3333333',
    'https://vimeo.com/event/3333333/embed',
    'https://vimeo.com/channels/123456',
    'https://vimeo.com/channels/staffpicks',
    'https://vimeo.com/groups/shortfilms',
    'https://vimeo.com/groups/shortfilms/76979871',
    'https://vimeo.com/user/76979871',
    'https://vimeo.com/76979871/likes',
    'https://vimeo.com/76979871/abcdef/extra',
    'https://player.vimeo.com/video/76979871/config',
    'https://player.vimeo.com/76979871',
  ])('links the Vimeo page %s instead of embedding some other video', (src) => {
    expect(classifyVideo(src)).toEqual({ kind: 'link', href: src, provider: 'Vimeo' });
  });

  it.each([
    ['https://vimeo.com/76979871/8272103f6e', '8272103f6e'],
    ['https://vimeo.com/76979871?h=8272103f6e', '8272103f6e'],
    ['https://player.vimeo.com/video/76979871?h=8272103f6e&badge=0', '8272103f6e'],
    ['https://vimeo.com/channels/staffpicks/76979871?h=8272103f6e', '8272103f6e'],
  ])('keeps the unlisted Vimeo hash of %s', (src, hash) => {
    const v = classifyVideo(src);
    if (v.kind !== 'embed') throw new Error(`not an embed: ${v.kind}`);
    const embed = new URL(v.embedSrc);
    expect(`${embed.origin}${embed.pathname}`).toBe('https://player.vimeo.com/video/76979871');
    expect(embed.searchParams.get('h')).toBe(hash);
    expect([...embed.searchParams.keys()].sort()).toEqual(['autoplay', 'dnt', 'h']);
    expect(v.pageUrl).toBe(`https://vimeo.com/76979871/${hash}`);
  });

  it('drops a Vimeo ?h= that is not lowercase hex', () => {
    for (const h of ['', 'XYZ', '8272103F6E', 'abc"onload=x', 'abc&autoplay=0', 'ab/../cd', 'a'.repeat(65)]) {
      const v = classifyVideo(`https://player.vimeo.com/video/76979871?h=${encodeURIComponent(h)}`);
      if (v.kind !== 'embed') throw new Error(`not an embed: ${h}`);
      expect(v.embedSrc, h).toBe('https://player.vimeo.com/video/76979871?autoplay=1&dnt=1');
    }
  });
});
