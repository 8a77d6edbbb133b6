/**
 * The mock assistant's script, as data. One interpreter (reply.ts) turns each step into
 * wire chunks; nothing here knows about framing, timing or faults.
 *
 * Media: a `src` starting with `media:` is resolved against the platform's media base
 * (`media:mug.svg` -> `${mediaBase}/mug.svg`), so the same data works on any mount.
 */

export interface ButtonSpec {
  readonly label: string;
  readonly payload: string;
}

export interface LinkSpec {
  readonly label: string;
  readonly url: string;
  /** The seed names this chunk `url` in its table and `link` in its example: we send both. */
  readonly wireType: 'link' | 'url';
}

export interface MediaSpec {
  readonly src: string;
  readonly alt: string;
}

export interface CardSpec {
  /** The seed's three forms: `null`, a URL string, or `{src, alt}`. */
  readonly image: string | MediaSpec | null;
  readonly title: string;
  readonly description: string;
  readonly buttons: readonly ButtonSpec[];
  readonly links: readonly LinkSpec[];
}

export type Step =
  | { readonly text: string; readonly is_caption?: boolean }
  | { readonly image: MediaSpec }
  | { readonly video: MediaSpec }
  | { readonly buttons: readonly ButtonSpec[] }
  | { readonly links: readonly LinkSpec[] }
  | { readonly carousel: readonly CardSpec[] }
  /** An LLM answer: markdown streamed as generation chunks, then the final `text`. */
  | { readonly generate: string };

export interface Scenario {
  readonly description: string;
  readonly steps: readonly Step[];
}

export interface ScenarioTable {
  /** Keyed by the `payload` of a `{type: "payload"}` message. */
  readonly payloads: Readonly<Record<string, Scenario>>;
  /** Free text: one of these is picked (seeded), in the visitor's language. */
  readonly freeText: { readonly en: readonly Scenario[]; readonly it: readonly Scenario[] };
  /** A payload not in the table. */
  readonly unknownPayload: Scenario;
  /** A `{type: "profile"}` message: the platform stores it and says nothing. */
  readonly profile: Scenario;
}

const MENU: ButtonSpec = { label: 'Main menu', payload: 'init' };
const MENU_IT: ButtonSpec = { label: 'Menu principale', payload: 'init' };

export const ANSWER_EN = `# Getting started with indigo.ai 🚀

Thanks for asking! Here is a **short overview** of what I can do, with a few *formatting* examples so you can see how answers stream in.

## What I can help with

- **Orders and deliveries** 📦: tracking, changes and returns
- **Products**: sizes, materials and availability
- **Accounts**: passwords, invoices and \`profile\` settings
- Anything else: just ask, I'll do my best 👩‍💻

## Delivery times

| Country | Standard | Express |
|---|---|---|
| Italy 🇮🇹 | 2–3 days | 24 h |
| Germany 🇩🇪 | 3–5 days | 48 h |
| United Kingdom 🇬🇧 | 4–6 days | 72 h |

## For developers

You can talk to me from your own code through the Chat API:

\`\`\`bash
curl -X POST "https://platform.indigo.ai/chat/$PROJECT_TOKEN/send" \\
  -H "content-type: application/json" \\
  -H "authorization: Bearer pat-$PAT" \\
  -d '{"sender":"user-1","source":"web","data":{"type":"text","text":"Hi!"}}'
\`\`\`

1. Create a project token
2. Ask for a personal access token
3. Send \`init\` first, then the visitor's messages

Read more on [our website](https://indigo.ai) or reach the team 👨‍👩‍👧‍👦 any time. Have a great day! ✨
`;

export const ANSWER_IT = `# Benvenuto su indigo.ai 👋

Grazie per la domanda! Ecco una **breve panoramica** di quello che posso fare, con qualche esempio di *formattazione* per vedere come arrivano le risposte.

## Come posso aiutarti

- **Ordini e spedizioni** 📦: tracciamento, modifiche e resi
- **Prodotti**: taglie, materiali e disponibilità
- **Account**: password, fatture e impostazioni del \`profilo\`
- Tutto il resto: chiedi pure, farò del mio meglio 🧑‍🍳

## Tempi di consegna

| Paese | Standard | Espresso |
|---|---|---|
| Italia 🇮🇹 | 2–3 giorni | 24 ore |
| Francia 🇫🇷 | 3–5 giorni | 48 ore |
| Spagna 🇪🇸 | 4–6 giorni | 72 ore |

## Per sviluppatori

Puoi parlare con me dal tuo codice tramite la Chat API:

\`\`\`js
const res = await fetch('/api/chat', {
  method: 'POST',
  body: JSON.stringify({ sender, data: { type: 'text', text: 'Ciao!' } }),
});
\`\`\`

1. Crea un token di progetto
2. Richiedi un token di accesso personale
3. Invia prima \`init\`, poi i messaggi del visitatore

Scopri di più sul [nostro sito](https://indigo.ai) oppure scrivici quando vuoi 🏳️‍🌈. Buona giornata! ☀️
`;

const SHORT_EN = `Good question! 🤔 I'm a **demo assistant** running on the mock platform, so my answers are scripted.

Try one of these:

- ask me to *show an image*
- ask for the \`products\`
- or visit [indigo.ai](https://indigo.ai) 🇪🇺
`;

const SHORT_IT = `Bella domanda! 🤔 Sono un **assistente dimostrativo** che gira sulla piattaforma di prova, quindi le mie risposte sono preparate in anticipo.

Prova a:

- chiedermi di *mostrare un'immagine*
- chiedere i \`prodotti\`
- oppure visita [indigo.ai](https://indigo.ai) 🇮🇹
`;

/** ~200 KB of markdown for manual performance checks: many small blocks of every kind. */
function buildLongAnswer(targetBytes = 200_000): string {
  const parts: string[] = ['# A very long answer 📚\n\nThis answer is long on purpose, to check that streaming stays smooth.\n'];
  let size = parts[0]!.length;
  for (let i = 1; size < targetBytes; i++) {
    const section = `
## Section ${i} 🔖

Paragraph ${i}: **bold text**, *emphasis*, \`inline_code_${i}()\` and a [link number ${i}](https://indigo.ai/?s=${i}). Emoji: 👩‍👩‍👧 🇮🇹 🇬🇧 ✅.

- item ${i}.1 with some words to make it longer
- item ${i}.2 with **strong** words
- item ${i}.3 🎉

| key | value |
|---|---|
| section | ${i} |
| status | ok ✅ |

\`\`\`ts
export const section${i} = { index: ${i}, ok: true };
\`\`\`
`;
    parts.push(section);
    size += section.length;
  }
  return parts.join('');
}

export const LONG_ANSWER = buildLongAnswer();
/** ~20 KB: the benchmark's small corpus size; its stream (~1 MB on the wire) fits the widget's 2 MB cap. */
export const MEDIUM_ANSWER = buildLongAnswer(20_000);

const PRODUCTS: readonly CardSpec[] = [
  {
    image: 'media:mug.svg',
    title: 'Indigo mug',
    description: 'Ceramic, 350 ml, dishwasher safe. ☕',
    buttons: [
      { label: 'Tell me more', payload: 'llm' },
      { label: 'Back to menu', payload: 'init' },
    ],
    links: [{ label: 'Buy now', url: 'https://indigo.ai/shop/mug', wireType: 'link' }],
  },
  {
    image: { src: 'media:headphones.svg', alt: 'Blue over-ear headphones' },
    title: 'Wireless headphones',
    description: 'Noise cancelling, 30 hours of battery.',
    buttons: [{ label: 'Tell me more', payload: 'llm' }],
    links: [{ label: 'Details', url: 'https://indigo.ai/shop/headphones', wireType: 'url' }],
  },
  {
    image: null,
    title: 'Gift card',
    description: 'A card with no picture: from 10 to 200 euros.',
    buttons: [{ label: 'Ask the AI', payload: 'llm' }],
    links: [{ label: 'Choose an amount', url: 'https://indigo.ai/shop/gift', wireType: 'link' }],
  },
  {
    image: { src: 'media:sneaker.svg', alt: 'A white running shoe' },
    title: 'Running shoes',
    description: 'Light, breathable, recycled materials. 👟',
    buttons: [
      { label: 'Sizes', payload: 'llm' },
      { label: 'Back to menu', payload: 'init' },
    ],
    links: [{ label: 'Buy now', url: 'https://indigo.ai/shop/shoes', wireType: 'url' }],
  },
  {
    image: 'media:backpack.svg',
    title: 'City backpack',
    description: '20 litres, water resistant, laptop sleeve.',
    buttons: [{ label: 'Tell me more', payload: 'llm' }],
    links: [{ label: 'Details', url: 'https://indigo.ai/shop/backpack', wireType: 'link' }],
  },
];

export const scenarios: ScenarioTable = {
  payloads: {
    init: {
      description: 'Greeting: HTML text, caption, quick replies and a link.',
      steps: [
        {
          text: '<p class="slate-p">Hi 👋 I’m your <strong>virtual assistant</strong>.</p><p class="slate-p">How can I help you today?</p>',
        },
        { text: '<p class="slate-p">This is a demo running on the mock platform.</p>', is_caption: true },
        {
          buttons: [
            { label: 'Show me an image', payload: 'image' },
            { label: 'Play a video', payload: 'video' },
            { label: 'Browse products', payload: 'carousel' },
            { label: 'Ask the AI', payload: 'llm' },
            { label: 'Chiedi in italiano 🇮🇹', payload: 'llm_it' },
            { label: 'Call us', payload: 'contact' },
          ],
        },
        { links: [{ label: 'Visit our website', url: 'https://indigo.ai', wireType: 'link' }] },
      ],
    },
    image: {
      description: 'An image with alt text, then a text.',
      steps: [
        { text: '<p class="slate-p">Here is a picture of our assistant at work 🖼️</p>' },
        { image: { src: 'media:assistant.svg', alt: 'A friendly robot answering chat messages' } },
        { buttons: [MENU] },
      ],
    },
    video: {
      description: 'A YouTube video and a file video.',
      steps: [
        { text: '<p class="slate-p">Two videos: one on YouTube, one as a file 🎬</p>' },
        { video: { src: 'https://www.youtube.com/watch?v=dQw4w9WgXcQ', alt: 'A product presentation on YouTube' } },
        { video: { src: 'media:sample.mp4', alt: 'A short product clip' } },
        { buttons: [MENU] },
      ],
    },
    carousel: {
      description: 'A product carousel: five cards, image forms mixed, buttons and links.',
      steps: [{ text: '<p class="slate-p">Here are some of our products 🛍️</p>' }, { carousel: PRODUCTS }],
    },
    contact: {
      description: 'Contact links: tel (with the seed space), mailto and https.',
      steps: [
        { text: '<p class="slate-p">You can reach us here 📞</p>' },
        {
          links: [
            { label: 'Call us', url: 'tel: +39 02 1234 5678', wireType: 'link' },
            { label: 'Write to us', url: 'mailto:hello@indigo.ai', wireType: 'url' },
            { label: 'Contact page', url: 'https://indigo.ai/contact', wireType: 'link' },
          ],
        },
        { buttons: [MENU] },
      ],
    },
    llm: {
      description: 'A generated answer in English.',
      steps: [
        { generate: ANSWER_EN },
        { buttons: [MENU, { label: 'A long answer', payload: 'medium' }, { label: 'A very long answer', payload: 'long' }] },
      ],
    },
    llm_it: {
      description: 'A generated answer in Italian.',
      steps: [{ generate: ANSWER_IT }, { buttons: [MENU_IT] }],
    },
    medium: {
      description: 'A ~20 KB generated answer.',
      steps: [{ generate: MEDIUM_ANSWER }, { buttons: [MENU] }],
    },
    long: {
      description: 'A ~200 KB generated answer, for manual performance checks (~11 MB of chunks on the wire).',
      steps: [{ generate: LONG_ANSWER }, { buttons: [MENU] }],
    },
  },
  freeText: {
    en: [
      { description: 'English answer (full).', steps: [{ generate: ANSWER_EN }, { buttons: [MENU] }] },
      { description: 'English answer (short).', steps: [{ generate: SHORT_EN }, { buttons: [MENU] }] },
    ],
    it: [
      { description: 'Italian answer (full).', steps: [{ generate: ANSWER_IT }, { buttons: [MENU_IT] }] },
      { description: 'Italian answer (short).', steps: [{ generate: SHORT_IT }, { buttons: [MENU_IT] }] },
    ],
  },
  unknownPayload: {
    description: 'A payload the script does not know.',
    steps: [{ text: '<p class="slate-p">Sorry, I don’t know that option yet 🙈</p>' }, { buttons: [MENU] }],
  },
  profile: { description: 'Profile stored: no content.', steps: [] },
};

const ITALIAN_WORDS = new Set(
  'ciao buongiorno buonasera grazie prego il lo la gli le un una di da in con su per tra fra che non sono sei è come cosa quando dove perché vorrei voglio posso puoi mi ti ci vi del della dei delle al alla nel nella questo questa anche ma o e sì no mio tuo prodotti ordine spedizione aiuto'.split(
    ' ',
  ),
);
const ENGLISH_WORDS = new Set(
  'hi hello thanks thank the a an of to in on with for that not is are am how what when where why would want can could me you we it this and but or yes no my your products order shipping help please'.split(
    ' ',
  ),
);

/** Rough language guess for the visitor's text: Italian when it has more Italian words. */
export function looksItalian(text: string): boolean {
  const words = text.toLowerCase().match(/[\p{L}']+/gu) ?? [];
  let it = 0;
  let en = 0;
  for (const w of words) {
    if (ITALIAN_WORDS.has(w)) it++;
    if (ENGLISH_WORDS.has(w)) en++;
  }
  if (/[àèéìòù]/u.test(text)) it++;
  return it > en;
}
