// The language packs in the real element: a French, German or Arabic visitor reads the
// extension blocks, thumbs, CSAT and consent notice in their language (these tables were
// English and Italian only), and what the owner or the bot wrote still wins over them.
import { expect, fixture, html } from '@open-wc/testing';
import { waitUntil } from '../../../test/support/wait-until.js';
import '../../define.js';
import type { IndigoChat } from '../indigo-chat/indigo-chat.js';
import { $, $$, botMessages, useFakeRelays, type FakeRelay, type Wire } from '../indigo-chat/fake-relay.test-helper.js';

const relays = useFakeRelays('packs');
let n = 0;

/** A welcome with every extension block: a location, a select, a file and an audio message. */
const extensionWelcome = (labels: { select?: string; location?: string } = {}): Wire[] => [
  { type: 'processing.start' },
  { type: 'text', data: { text: '<p>Bonjour</p>' } },
  { type: 'location', data: { latitude: 45.4642, longitude: 9.19, ...(labels.location ? { title: labels.location } : {}) } },
  {
    type: 'select',
    data: {
      ...(labels.select ? { label: labels.select } : {}),
      options: [
        { label: 'Rouge', payload: 'red' },
        { label: 'Bleu', payload: 'blue' },
      ],
    },
  },
  { type: 'file', data: { url: `${location.origin}/files/tarifs`, name: 'tarifs' } },
  { type: 'audio', data: { src: `${location.origin}/files/message.mp3` } },
  { type: 'processing.end' },
];

/** An inline chat with the owner's attributes, set before it connects (as a page writes them). */
async function mount(r: FakeRelay, attrs: Record<string, string>): Promise<IndigoChat> {
  const el = document.createElement('indigo-chat');
  for (const [k, v] of Object.entries({ relay: r.path, id: `packs-${++n}`, mode: 'inline', ...attrs })) el.setAttribute(k, v);
  (await fixture<HTMLDivElement>(html`<div></div>`)).append(el);
  el.scrollIntoView(); // an inline chat starts once it is on screen
  return el;
}

async function welcomed(el: IndigoChat): Promise<void> {
  await waitUntil(() => botMessages(el).length === 1 && el.conversation.transcript.status === 'idle', 'welcome');
  await waitUntil(() => $(el, '[part~="select"]') && $(el, '[part~="location"]'), 'extension blocks rendered');
  await el.updateComplete;
}

const text = (el: IndigoChat, sel: string) =>
  $(el, sel)
    ?.textContent?.replace(/[ \t\n]+/g, ' ')
    .trim() ?? null;

/** The visitor says something; resolves with the answer once it has its thumbs. */
async function answered(el: IndigoChat, say: string): Promise<HTMLElement> {
  const count = botMessages(el).length + 1;
  el.send(say);
  await waitUntil(() => botMessages(el).length === count && el.conversation.transcript.status === 'idle', 'answer');
  await waitUntil(() => botMessages(el)[count - 1]!.querySelector('[part~="thumb-up"]'), 'thumbs under the answer');
  return botMessages(el)[count - 1]!;
}

describe('language packs in the element', () => {
  it('French: extension blocks, thumbs, reasons and CSAT are French', async () => {
    const el = await mount(relays.relay().queue(extensionWelcome()), { lang: 'fr', csat: '2', 'media-origins': 'self' });
    await welcomed(el);
    await waitUntil(() => text(el, '.select-block .ext-title') === 'Choisissez une option', 'select label in French');
    expect(text(el, '[part~="select"] option')).to.equal('Choisir…');
    expect(text(el, '.select-send')).to.equal('Envoyer');
    expect($(el, '[part~="location"]')!.getAttribute('aria-label')).to.equal('Position');
    expect(text(el, '.map-link')).to.equal('Ouvrir dans OpenStreetMap (s’ouvre dans un nouvel onglet)');
    expect(text(el, '[part~="file"] .visually-hidden')).to.equal('(fichier)');
    expect($(el, '[part~="audio"]')!.getAttribute('aria-label')).to.equal('Message audio');

    const answer = await answered(el, 'bonjour');
    const group = answer.querySelector('[part~="feedback"]')!;
    expect(group.getAttribute('aria-label')).to.equal('Évaluer cette réponse');
    expect(answer.querySelector('[part~="thumb-up"]')!.getAttribute('aria-label')).to.equal('Utile');
    answer.querySelector<HTMLButtonElement>('[part~="thumb-down"]')!.click();
    await waitUntil(() => answer.querySelector('[part~="feedback-reason"]'), 'reasons');
    expect([...answer.querySelectorAll('[part~="feedback-reason"]')].map((b) => b.textContent.trim())).to.deep.equal([
      'Incorrecte',
      'Ne répond pas à ma question',
      'Dangereuse',
      'Autre',
    ]);
    // The second answer, idle for a moment (the feedback UI is here: the first one has thumbs).
    el.csatIdleMs = 10;
    await answered(el, 'merci');
    await waitUntil(() => $(el, '[part~="csat"]'), 'CSAT asked when idle');
    expect(text(el, '[part~="csat"] .legend')).to.equal('Comment évalueriez-vous cette conversation\u00a0?');
    expect($$(el, '[part~="csat-score"]')[2]!.getAttribute('aria-label')).to.equal('3 sur 5\u00a0: correcte');
  });

  it("German with a region subtag: the bot's own labels and the owner's disclosure win over the pack", async () => {
    const r = relays.relay().queue(extensionWelcome({ select: 'Ihre Lieblingsfarbe', location: 'Unser Laden' }));
    const el = await mount(r, { lang: 'de-AT', disclosure: 'Hier antwortet Indigo, ein KI-Assistent.' });
    await welcomed(el);
    await waitUntil(() => text(el, '.select-send') === 'Senden', 'German extension strings');
    expect(text(el, '.select-block .ext-title')).to.equal('Ihre Lieblingsfarbe');
    expect($(el, '[part~="location"]')!.getAttribute('aria-label')).to.equal('Unser Laden');
    expect(text(el, '.map-link')).to.equal('In OpenStreetMap öffnen (öffnet in einem neuen Tab)');
    expect(text(el, '[part~="disclosure"]')).to.equal('Hier antwortet Indigo, ein KI-Assistent.');
    const answer = await answered(el, 'hallo');
    expect(answer.querySelector('[part~="thumb-down"]')!.getAttribute('aria-label')).to.equal('Nicht hilfreich');
  });

  it('lang="auto": thumbs and the AI-generated label follow navigator.languages like the rest', async () => {
    const original = Object.getOwnPropertyDescriptor(Navigator.prototype, 'languages')!;
    Object.defineProperty(Navigator.prototype, 'languages', { configurable: true, get: () => ['pt-BR', 'es-MX', 'en'] });
    try {
      const generated: Wire[] = [
        { type: 'processing.start' },
        { type: 'text', is_generated: true, data: { text: '<p>Una respuesta escrita por el modelo.</p>' } },
        { type: 'processing.end' },
      ];
      const el = await mount(relays.relay().queue(extensionWelcome(), generated), { lang: 'auto' });
      await welcomed(el);
      await waitUntil(() => text(el, '.select-send') === 'Enviar', 'the Spanish pack is in');
      const answer = await answered(el, 'hola');
      expect(answer.querySelector('[part~="thumb-up"]')!.getAttribute('aria-label')).to.equal('Útil');
      expect(answer.querySelector('.visually-hidden')!.textContent).to.equal('Asistente (generado por IA):');
    } finally {
      Object.defineProperty(Navigator.prototype, 'languages', original);
    }
  });

  it('Arabic: the consent notice and the disclosure are Arabic, right to left', async () => {
    const el = await mount(relays.relay().queue(extensionWelcome()), { lang: 'ar', consent: 'required' });
    await waitUntil(() => text(el, '.consent-title') === 'قبل أن تبدأ', 'Arabic consent notice');
    expect(text(el, '[part~="consent-accept"]')).to.equal('قبول');
    expect(text(el, '[part~="consent-decline"]')).to.equal('رفض');
    expect($(el, '.root')!.getAttribute('dir')).to.equal('rtl');
    $<HTMLButtonElement>(el, '[part~="consent-accept"]')!.click();
    await welcomed(el);
    expect(text(el, '[part~="disclosure"]')).to.contain('الذكاء الاصطناعي');
    expect(text(el, '.select-send')).to.equal('إرسال');
    expect(getComputedStyle($(el, '[part~="select"]')!).direction).to.equal('rtl');
  });
});
