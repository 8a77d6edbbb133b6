// Text on the brand colour: the element picks white or near-black, whichever reads on the
// accent (indigo-chat.styles.ts). The blocks (quick replies and card actions on hover, a
// select's send button) used to say white whatever the accent, so a light brand colour got
// white on yellow there while the header had near-black. `--indigo-chat-on-accent` sets it
// for all of them.
import { expect, fixture, html } from '@open-wc/testing';
import { waitUntil } from '../../../test/support/wait-until.js';
import '../../define.js';
import type { IndigoChat } from '../indigo-chat/indigo-chat.js';
import { $, mountInlineChat, useFakeRelays, welcomeChunks } from '../indigo-chat/fake-relay.test-helper.js';

const relays = useFakeRelays('on-accent');

async function mount(style: string): Promise<IndigoChat> {
  const el = mountInlineChat(relays.relay().queue(welcomeChunks()).path, await fixture(html`<div style="height:500px"></div>`), style);
  await waitUntil(() => $(el, '[part~="quick-replies"] [part~="button"]') !== null, 'quick replies shown');
  return el;
}

/** The colour a block's accent text gets (what a hovered quick reply paints its label in). */
function blockOnAccent(el: IndigoChat): string {
  const probe = document.createElement('span');
  probe.style.color = 'var(--_on-accent)';
  $(el, '[part~="quick-replies"]')!.append(probe);
  const color = getComputedStyle(probe).color;
  probe.remove();
  return color;
}

const WHITE = 'rgb(255, 255, 255)';

describe('text on the accent colour', () => {
  it('on a light brand colour, the blocks use what the header uses (not white)', async () => {
    const el = await mount('--indigo-chat-accent: #ffd400');
    const header = getComputedStyle($(el, '[part~="header"]')!).color;
    expect(header).to.not.equal(WHITE);
    expect(blockOnAccent(el)).to.equal(header);
  });

  it('on a dark brand colour, white everywhere', async () => {
    const el = await mount('--indigo-chat-accent: #1a237e');
    const header = getComputedStyle($(el, '[part~="header"]')!).color;
    expect(blockOnAccent(el)).to.equal(header);
  });

  it('--indigo-chat-on-accent sets it for the header, the send button, the visitor side and the blocks', async () => {
    const el = await mount('--indigo-chat-accent: #ffd400; --indigo-chat-on-accent: rgb(1, 2, 3)');
    expect(getComputedStyle($(el, '[part~="header"]')!).color).to.equal('rgb(1, 2, 3)');
    expect(getComputedStyle($(el, '[part~="send"]')!).color).to.equal('rgb(1, 2, 3)');
    expect(blockOnAccent(el)).to.equal('rgb(1, 2, 3)');
  });
});
