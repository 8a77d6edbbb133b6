/**
 * The scripted Botpress bot of the mock: replies as data, one entry per incoming text (a
 * choice's value arrives as text). Exercises every payload kind of the seed: Text,
 * Markdown, Image, Video, Audio, File, Location, Choice, Dropdown, Card, Carousel, Bloc.
 * `{media}` in a string becomes the mock's media base URL.
 */

export interface BotMessage {
  readonly type: string;
  readonly payload: Readonly<Record<string, unknown>>;
}

const menu: BotMessage = {
  type: 'choice',
  payload: {
    text: 'What would you like to see?',
    options: [
      { label: 'An image', value: 'image' },
      { label: 'A video', value: 'video' },
      { label: 'A sound', value: 'audio' },
      { label: 'A file', value: 'file' },
      { label: 'Our shop on a map', value: 'location' },
      { label: 'A card', value: 'card' },
      { label: 'A carousel', value: 'carousel' },
      { label: 'Pick a size', value: 'dropdown' },
      { label: 'Markdown', value: 'markdown' },
      { label: 'Everything at once', value: 'bloc' },
    ],
  },
};

const card = (title: string, subtitle: string, image: string, value: string) => ({
  title,
  subtitle,
  imageUrl: `{media}/${image}`,
  actions: [
    { action: 'postback', label: 'Add to cart', value: `add:${value}` },
    { action: 'url', label: 'Details', value: `https://shop.example/products/${value}` },
    { action: 'say', label: 'Tell me more', value: `more:${value}` },
  ],
});

const SIZES = ['XS', 'S', 'M', 'L', 'XL', 'XXL', '38', '39', '40', '41', '42', '43', '44'];

export const BOT_REPLIES: Readonly<Record<string, readonly BotMessage[]>> = {
  init: [{ type: 'text', payload: { text: "Hi! I'm the **Indigo Bikes** bot, running on a Botpress-compatible API." } }, menu],
  menu: [menu],
  image: [{ type: 'image', payload: { imageUrl: '{media}/mug.svg', title: 'An indigo ceramic mug' } }],
  video: [{ type: 'video', payload: { videoUrl: 'https://www.youtube.com/watch?v=dQw4w9WgXcQ', title: 'Our bikes on YouTube' } }],
  audio: [
    { type: 'text', payload: { text: 'This is the sound our bell makes:' } },
    { type: 'audio', payload: { audioUrl: '{media}/chime.wav', title: 'Bike bell' } },
  ],
  file: [{ type: 'file', payload: { fileUrl: '{media}/size-guide.pdf', title: 'Size guide (PDF)' } }],
  location: [
    {
      type: 'location',
      payload: { latitude: 45.4642, longitude: 9.19, title: 'Indigo Bikes Milano', address: 'Piazza del Duomo 1, 20122 Milano' },
    },
  ],
  card: [{ type: 'card', payload: card('Indigo mug', 'Ceramic, 350 ml', 'mug.svg', 'mug') }],
  carousel: [
    {
      type: 'carousel',
      payload: {
        items: [
          card('Indigo mug', 'Ceramic, 350 ml', 'mug.svg', 'mug'),
          card('Headphones', 'Over-ear, wireless', 'headphones.svg', 'headphones'),
          card('Sneakers', 'For city rides', 'sneaker.svg', 'sneaker'),
        ],
      },
    },
  ],
  dropdown: [
    {
      type: 'dropdown',
      payload: { text: 'Which size do you wear?', options: SIZES.map((s) => ({ label: s, value: `size:${s}` })) },
    },
  ],
  markdown: [{ type: 'markdown', payload: { markdown: '## Opening hours\n\n- Mon–Fri: **9–19**\n- Sat: *10–13*\n\n`closed on Sundays`' } }],
  bloc: [
    {
      type: 'bloc',
      payload: {
        items: [
          { type: 'text', payload: { text: 'Here is everything in one message:' } },
          { type: 'image', payload: { imageUrl: '{media}/backpack.svg' } },
          { type: 'audio', payload: { audioUrl: '{media}/chime.wav' } },
          { type: 'file', payload: { fileUrl: '{media}/size-guide.pdf', title: 'Size guide' } },
          { type: 'location', payload: { latitude: 41.9028, longitude: 12.4964, title: 'Indigo Bikes Roma' } },
        ],
      },
    },
  ],
  many: Array.from({ length: 25 }, (_, i) => ({ type: 'text', payload: { text: `Part ${i + 1} of 25 of a long answer.` } })),
};

/** The bot's answer to an incoming text. */
export function botReply(text: string): readonly BotMessage[] {
  const key = text.trim().toLowerCase();
  if (Object.hasOwn(BOT_REPLIES, key)) return BOT_REPLIES[key] as readonly BotMessage[];
  if (key.startsWith('size:')) return [{ type: 'text', payload: { text: `Size **${text.trim().slice(5)}** noted.` } }, menu];
  if (key.startsWith('add:')) return [{ type: 'text', payload: { text: `Added **${text.trim().slice(4)}** to your cart.` } }];
  if (key.startsWith('more:')) return [{ type: 'text', payload: { text: `The ${text.trim().slice(5)} is one of our favourites.` } }];
  return [{ type: 'text', payload: { text: `You said: *${text.trim().slice(0, 200)}*` } }, menu];
}
