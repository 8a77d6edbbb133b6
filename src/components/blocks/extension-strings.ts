/**
 * Strings of the protocol-extension blocks, in their lazy chunk with their renderers
 * (extension-blocks.ts): only those blocks show them (docs/decisions/open-time-bytes.md).
 */
import { localized } from '../i18n/locales.js';
import { openMapText } from './strings.js';

/**
 * Strings of the protocol-extension blocks (audio, file, location, select). A table of its
 * own, so a language added to BlockStrings without them falls back to English here
 * instead of failing the build.
 */
export interface ExtensionStrings {
  readonly audio: string;
  readonly audioUnsupported: string;
  readonly download: string;
  readonly file: string;
  /** Read after a file's name: its type (`PDF`, or "file" when unknown). */
  readonly fileKind: (type: string) => string;
  readonly location: string;
  readonly openMap: string;
  readonly chooseOption: string;
  readonly choosePlaceholder: string;
  readonly sendChoice: string;
}

const extensionEn: ExtensionStrings = {
  audio: 'Audio message',
  audioUnsupported: 'Your browser cannot play this audio.',
  download: 'Download',
  file: 'file',
  fileKind: (type) => `(${type})`,
  location: 'Location',
  openMap: openMapText('en'),
  chooseOption: 'Choose an option',
  choosePlaceholder: 'Choose…',
  sendChoice: 'Send',
};

const extensionIt: ExtensionStrings = {
  audio: 'Messaggio audio',
  audioUnsupported: 'Il tuo browser non può riprodurre questo audio.',
  download: 'Scarica',
  file: 'file',
  fileKind: (type) => `(${type})`,
  location: 'Posizione',
  openMap: openMapText('it'),
  chooseOption: "Scegli un'opzione",
  choosePlaceholder: 'Scegli…',
  sendChoice: 'Invia',
};

const extensionTable: Readonly<Record<string, ExtensionStrings>> = { en: extensionEn, it: extensionIt };

export function extensionStrings(lang: string): ExtensionStrings {
  // No pack carries these: other languages read English.
  return localized(extensionTable, lang, () => undefined);
}
