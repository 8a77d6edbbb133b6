/**
 * Bundled media for the mock platform: small hand-written SVGs, kept as strings so the
 * mock needs no file system (it also runs in the browser under msw).
 */

const svg = (title: string, body: string): string =>
  `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 320 200" width="320" height="200" role="img"><title>${title}</title>${body}</svg>`;

export const MEDIA: Readonly<Record<string, string>> = {
  'assistant.svg': svg(
    'A friendly robot answering chat messages',
    '<rect width="320" height="200" fill="#eef0ff"/>' +
      '<rect x="40" y="50" width="110" height="100" rx="24" fill="#4b3fd1"/>' +
      '<circle cx="75" cy="95" r="12" fill="#fff"/><circle cx="115" cy="95" r="12" fill="#fff"/>' +
      '<circle cx="75" cy="95" r="5" fill="#1b1464"/><circle cx="115" cy="95" r="5" fill="#1b1464"/>' +
      '<path d="M75 125q20 14 40 0" stroke="#fff" stroke-width="6" fill="none" stroke-linecap="round"/>' +
      '<line x1="95" y1="50" x2="95" y2="30" stroke="#4b3fd1" stroke-width="6"/><circle cx="95" cy="26" r="8" fill="#ff7a59"/>' +
      '<rect x="180" y="55" width="110" height="34" rx="17" fill="#fff"/><rect x="180" y="105" width="90" height="34" rx="17" fill="#4b3fd1"/>' +
      '<circle cx="200" cy="72" r="4" fill="#4b3fd1"/><circle cx="215" cy="72" r="4" fill="#4b3fd1"/><circle cx="230" cy="72" r="4" fill="#4b3fd1"/>',
  ),
  'mug.svg': svg(
    'An indigo ceramic mug',
    '<rect width="320" height="200" fill="#f6f3ee"/>' +
      '<path d="M110 60h90v90a20 20 0 0 1-20 20h-50a20 20 0 0 1-20-20z" fill="#4b3fd1"/>' +
      '<path d="M200 80h16a22 22 0 0 1 0 44h-16" stroke="#4b3fd1" stroke-width="10" fill="none"/>' +
      '<path d="M135 30q10 10 0 20M155 28q10 10 0 20M175 30q10 10 0 20" stroke="#b9b2a6" stroke-width="4" fill="none"/>',
  ),
  'headphones.svg': svg(
    'Blue over-ear headphones',
    '<rect width="320" height="200" fill="#e8f3ff"/>' +
      '<path d="M100 130v-30a60 60 0 0 1 120 0v30" stroke="#1f4fa3" stroke-width="12" fill="none"/>' +
      '<rect x="82" y="115" width="36" height="55" rx="14" fill="#2f6fdc"/><rect x="202" y="115" width="36" height="55" rx="14" fill="#2f6fdc"/>',
  ),
  'sneaker.svg': svg(
    'A white running shoe',
    '<rect width="320" height="200" fill="#eafaf1"/>' +
      '<path d="M60 140q0-40 40-50l40-20q20 30 60 40l50 10q20 5 20 20v10H60z" fill="#fff" stroke="#333" stroke-width="4"/>' +
      '<rect x="60" y="150" width="210" height="14" rx="7" fill="#1aa16a"/>' +
      '<path d="M120 95l12 12M135 88l12 12M150 82l12 12" stroke="#1aa16a" stroke-width="4"/>',
  ),
  'backpack.svg': svg(
    'A grey city backpack',
    '<rect width="320" height="200" fill="#f3f3f5"/>' +
      '<path d="M140 40a20 20 0 0 1 40 0" stroke="#555" stroke-width="8" fill="none"/>' +
      '<rect x="115" y="40" width="90" height="140" rx="26" fill="#6b6f7a"/>' +
      '<rect x="130" y="110" width="60" height="50" rx="10" fill="#585c66"/><line x1="130" y1="125" x2="190" y2="125" stroke="#ff7a59" stroke-width="4"/>',
  ),
};
