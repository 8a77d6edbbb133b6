/**
 * Strings of the visitor features (stop, copy, timestamps, transcript menu, teaser, voice).
 * English and Italian ship in the bundle; other languages bring theirs in their pack
 * (`packs/<lang>.ts`), loaded on demand.
 */
export interface VisitorStrings {
  /** The send button while an answer streams. */
  readonly stop: string;
  /** Under an answer the visitor stopped. */
  readonly stopped: string;
  /** The group of actions under a finished answer. */
  readonly answerActions: string;
  readonly copy: string;
  /** Announced (politely) once the answer is on the clipboard. */
  readonly copied: string;
  readonly copyFailed: string;
  /** The header's menu button and its items. */
  readonly menu: string;
  readonly downloadTxt: string;
  readonly downloadHtml: string;
  /** Header line of a downloaded transcript: `{title}: conversation of {date}`. */
  transcriptHeading: (title: string, date: string) => string;
  /** Day separators. */
  readonly today: string;
  readonly yesterday: string;
  /** Prefix of a message's time for screen readers: `Sent {date}`. */
  sentAt(date: string): string;
  readonly teaserClose: string;
  readonly teaserOpen: string;
  readonly micStart: string;
  readonly micStop: string;
  readonly micListening: string;
  readonly micError: string;
  /** A notice: the saved conversation's code did not load; this page keeps the chat in memory. */
  readonly restoreFailed: string;
  /** Under the composer near its limit: `{n} characters left` (n >= 0). */
  charsLeft(n: number): string;
  /** Over the limit (the message is not sent): `{n} characters too many`. */
  charsOver(n: number): string;
}

/**
 * What the open path shows; the teaser's two strings load with it (teaser-strings.ts), the
 * transcript heading with the export (transcript-export.ts), the composer's character count
 * with it (char-count.ts). A pack carries all.
 */
export type CoreVisitorStrings = Omit<VisitorStrings, 'teaserOpen' | 'teaserClose' | 'transcriptHeading' | 'charsLeft' | 'charsOver'>;

export const visitorEn: CoreVisitorStrings = {
  stop: 'Stop generating',
  stopped: 'Stopped',
  answerActions: 'Answer actions',
  copy: 'Copy answer',
  copied: 'Answer copied to the clipboard',
  copyFailed: 'The answer could not be copied',
  menu: 'More options',
  downloadTxt: 'Download transcript (.txt)',
  downloadHtml: 'Download transcript (.html)',
  today: 'Today',
  yesterday: 'Yesterday',
  sentAt: (date) => `Sent ${date}`,
  micStart: 'Start voice input',
  micStop: 'Stop voice input',
  micListening: 'Listening…',
  micError: 'Voice input is not available',
  restoreFailed: 'Your earlier conversation could not be loaded. This chat will not be saved.',
};

export const visitorIt: CoreVisitorStrings = {
  stop: 'Interrompi la risposta',
  stopped: 'Interrotta',
  answerActions: 'Azioni sulla risposta',
  copy: 'Copia la risposta',
  copied: 'Risposta copiata negli appunti',
  copyFailed: 'Impossibile copiare la risposta',
  menu: 'Altre opzioni',
  downloadTxt: 'Scarica la conversazione (.txt)',
  downloadHtml: 'Scarica la conversazione (.html)',
  today: 'Oggi',
  yesterday: 'Ieri',
  sentAt: (date) => `Inviato ${date}`,
  micStart: 'Avvia la dettatura',
  micStop: 'Interrompi la dettatura',
  micListening: 'In ascolto…',
  micError: 'La dettatura non è disponibile',
  restoreFailed: 'Impossibile caricare la conversazione precedente. Questa chat non verrà salvata.',
};
