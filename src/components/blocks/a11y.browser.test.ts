import { expect } from '@open-wc/testing';
import type { Block } from '../../core/conversation/types.js';
import { botMessage, generation, loadAxe, microtask, mount } from './blocks.test-helper.js';

afterEach(() => document.body.replaceChildren());

describe('accessibility', () => {
  it('has no axe violations with every block kind rendered', async () => {
    const axe = await loadAxe();
    const m = mount();
    const blocks: Block[] = [
      { kind: 'text', id: 'b1', html: '<p>Hello <a href="https://indigo.ai/">site</a></p>', caption: false, generated: false },
      generation('<h3>Title</h3><p>Body</p>', 'done'),
      // A degraded one: its markdown as plain text and the plain-text notice under it.
      generation('<p>stale</p>', 'degraded', 'Some **markdown**\n\nin two paragraphs', 'b8'),
      { kind: 'image', id: 'b2', src: `${location.origin}/__blocks_test__/x.png`, alt: 'A cat' },
      { kind: 'video', id: 'b3', src: 'https://youtu.be/dQw4w9WgXcQ', alt: 'Song' },
      {
        kind: 'actions',
        id: 'b4',
        actions: [
          { type: 'button', label: 'Yes', payload: 'y' },
          { type: 'link', label: 'Call', url: 'tel:+39021234567' },
          { type: 'link', label: 'Site', url: 'https://indigo.ai/' },
        ],
      },
      {
        kind: 'carousel',
        id: 'b5',
        carouselId: 'c1',
        state: 'done',
        cards: [1, 2, 3].map((i) => ({
          index: i,
          title: `T${i}`,
          description: `D${i}`,
          image: null,
          actions: [{ type: 'button' as const, label: `Pick ${i}`, payload: `p${i}` }],
          state: 'done' as const,
        })),
      },
      { kind: 'text', id: 'b6', html: '<p>Caption</p>', caption: true, generated: false },
      // Protocol extensions (Botpress, chat-messages adapters).
      { kind: 'audio', id: 'b7', src: `${location.origin}/__blocks_test__/a.wav`, title: 'Bell' },
      { kind: 'file', id: 'b8', url: 'https://cdn.example.com/guide.pdf', name: 'Guide', mimeType: 'application/pdf', size: 2048 },
      { kind: 'location', id: 'b10', latitude: 45.46, longitude: 9.19, title: 'Shop', address: 'Via Roma 1' },
      { kind: 'select', id: 'b11', label: '', options: [{ label: 'M', payload: 'size:M' }] },
    ];
    m.draw(botMessage(blocks), { activeActionsId: 'b4' });
    await microtask();
    const result = await axe.run(m.message, { resultTypes: ['violations'] });
    const summary = result.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.html).join(' | ')})`);
    expect(summary).to.deep.equal([]);

    // Control: axe does see inside this shadow root (an unnamed button is reported).
    const control = document.createElement('div');
    control.append(document.createElement('button'));
    m.root.append(control);
    const bad = await axe.run(control, { resultTypes: ['violations'] });
    expect(bad.violations.map((v) => v.id)).to.include('button-name');
  });
});
