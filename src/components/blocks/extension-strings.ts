/**
 * Strings of the protocol-extension blocks, in their lazy chunk with their renderers
 * (extension-blocks.ts): only those blocks show them (docs/decisions/open-time-bytes.md).
 * English and Italian here; other languages from their loaded pack (English until then).
 * The map link's text is a block string (strings.ts): the open-path fallback shows it too.
 */
import { localized } from '../i18n/locales.js';

/** Strings of the protocol-extension blocks (audio, file, location, select). */
export interface ExtensionStrings {
  readonly audio: string;
  readonly file: string;
  /** Read after a file's name: its type (`PDF`, or "file" when unknown). */
  readonly fileKind: (type: string) => string;
  readonly location: string;
  readonly chooseOption: string;
  readonly choosePlaceholder: string;
  readonly sendChoice: string;
}

const extensionEn: ExtensionStrings = {
  audio: 'Audio message',
  file: 'file',
  fileKind: (type) => `(${type})`,
  location: 'Location',
  chooseOption: 'Choose an option',
  choosePlaceholder: 'Choose…',
  sendChoice: 'Send',
};

const extensionIt: ExtensionStrings = {
  audio: 'Messaggio audio',
  file: 'file',
  fileKind: (type) => `(${type})`,
  location: 'Posizione',
  chooseOption: "Scegli un'opzione",
  choosePlaceholder: 'Scegli…',
  sendChoice: 'Invia',
};

const extensionTable: Readonly<Record<string, ExtensionStrings>> = { en: extensionEn, it: extensionIt };

export function extensionStrings(lang: string): ExtensionStrings {
  return localized(extensionTable, lang, (p) => p.extension);
}
