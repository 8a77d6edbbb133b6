import { NOTICE_TEXT } from '../../core/conversation/codes.js';
import { localized } from '../i18n/locales.js';

/** The element's own UI strings (bot content comes from the platform as is). */
export interface ChatStrings {
  readonly defaultTitle: string;
  readonly openChat: string;
  readonly closeChat: string;
  readonly restart: string;
  readonly jump: string;
  readonly inputLabel: string;
  readonly placeholder: string;
  readonly send: string;
  readonly typing: string;
  readonly retry: string;
  readonly offline: string;
  readonly queued: string;
  readonly failed: string;
  readonly incomplete: string;
  /** The notice for an answer cut off mid-way (the message itself shows `incomplete`). */
  readonly noticeIncomplete: string;
  readonly transcript: string;
  readonly you: string;
  readonly assistant: string;
  /** Notices, by the core's notice code (English: the core's NOTICE_TEXT, the one copy). */
  readonly noticeSendFailed: string;
  /** Refused for now (429/503 with `Retry-After`); `when` is e.g. "in 30 seconds". */
  noticeRateLimited(when: string): string;
  readonly noticeNoAnswer: string;
  readonly noticeTimeout: string;
  readonly noticeTimeoutNothing: string;
  readonly noticeError: string;
  /** The welcome (or another hidden request) could not reach the assistant. */
  readonly noticeConnect: string;
  unread(count: number): string;
}

const en: ChatStrings = {
  defaultTitle: 'Chat',
  openChat: 'Open chat',
  closeChat: 'Close chat',
  restart: 'New conversation',
  jump: 'Jump to latest',
  inputLabel: 'Your message',
  placeholder: 'Write a message…',
  send: 'Send',
  typing: 'The assistant is typing',
  retry: 'Retry',
  offline: 'You are offline. Messages will fail until the connection is back.',
  queued: 'Waiting to send',
  failed: 'Not sent',
  incomplete: 'This answer may be incomplete.',
  transcript: 'Conversation',
  you: 'You',
  assistant: 'Assistant',
  noticeSendFailed: NOTICE_TEXT['send-failed'],
  noticeRateLimited: (when) => `${NOTICE_TEXT['rate-limited']} Try again ${when}.`,
  noticeNoAnswer: NOTICE_TEXT['no-answer'],
  noticeTimeout: NOTICE_TEXT.timeout,
  noticeTimeoutNothing: NOTICE_TEXT['no-answer-in-time'],
  noticeError: NOTICE_TEXT.error,
  noticeIncomplete: NOTICE_TEXT.incomplete,
  noticeConnect: 'Could not connect to the assistant.',
  unread: (n) => (n === 1 ? '1 unread message' : `${n} unread messages`),
};

const it: ChatStrings = {
  defaultTitle: 'Chat',
  openChat: 'Apri la chat',
  closeChat: 'Chiudi la chat',
  restart: 'Nuova conversazione',
  jump: 'Vai agli ultimi messaggi',
  inputLabel: 'Il tuo messaggio',
  placeholder: 'Scrivi un messaggio…',
  send: 'Invia',
  typing: "L'assistente sta scrivendo",
  retry: 'Riprova',
  offline: 'Sei offline. I messaggi non partiranno finché la connessione non torna.',
  queued: 'In attesa di invio',
  failed: 'Non inviato',
  incomplete: 'Questa risposta potrebbe essere incompleta.',
  transcript: 'Conversazione',
  you: 'Tu',
  assistant: 'Assistente',
  noticeSendFailed: 'Non è stato possibile inviare il messaggio.',
  noticeRateLimited: (when) => `Non è stato possibile inviare il messaggio ora. Riprova ${when}.`,
  noticeNoAnswer: 'Non è arrivata nessuna risposta.',
  noticeTimeout: "L'assistente ha impiegato troppo a rispondere. La risposta potrebbe essere incompleta.",
  noticeTimeoutNothing: "L'assistente non ha risposto in tempo.",
  noticeError: "L'assistente non ha potuto rispondere.",
  noticeIncomplete: 'La connessione si è interrotta prima della fine della risposta.',
  noticeConnect: "Impossibile collegarsi all'assistente.",
  unread: (n) => (n === 1 ? '1 messaggio non letto' : `${n} messaggi non letti`),
};

const table: Readonly<Record<string, ChatStrings>> = { en, it };

/** `it`, `it-IT`, `IT` -> Italian; a loaded pack (`../i18n/packs/`); anything else -> English. */
export function stringsFor(lang: string | null | undefined): ChatStrings {
  return localized(table, lang, (p) => p.chat);
}
