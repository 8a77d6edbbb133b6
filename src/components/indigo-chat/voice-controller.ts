/**
 * Voice input through the Web Speech API, where the browser has it (Chromium, Safari):
 * the microphone fills the composer and never sends by itself. Nothing is constructed
 * before the visitor clicks, so the permission prompt appears only then.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

interface RecognitionResultLike {
  readonly isFinal: boolean;
  readonly 0: { readonly transcript: string };
}
interface RecognitionEventLike {
  readonly resultIndex: number;
  readonly results: ArrayLike<RecognitionResultLike>;
}
interface Recognition {
  lang: string;
  interimResults: boolean;
  continuous: boolean;
  onresult: ((e: RecognitionEventLike) => void) | null;
  onerror: ((e: { error?: string }) => void) | null;
  onend: (() => void) | null;
  start(): void;
  stop(): void;
  abort(): void;
}
type RecognitionCtor = new () => Recognition;

function recognitionCtor(): RecognitionCtor | null {
  const g = globalThis as { SpeechRecognition?: RecognitionCtor; webkitSpeechRecognition?: RecognitionCtor };
  return g.SpeechRecognition ?? g.webkitSpeechRecognition ?? null;
}

export interface VoiceHost extends ReactiveControllerHost {
  /** The composer's text now / replace it. */
  getDraft(): string;
  setDraft(text: string): void;
  onVoiceError(): void;
}

export class VoiceController implements ReactiveController {
  listening = false;
  private readonly host: VoiceHost;
  private rec: Recognition | null = null;

  constructor(host: VoiceHost) {
    this.host = host;
    host.addController(this);
  }

  /** Decided per render: a polyfill or a test may install the API later. */
  get supported(): boolean {
    return recognitionCtor() !== null;
  }

  toggle(lang: string): void {
    if (this.listening) {
      this.rec?.stop();
      return;
    }
    const Ctor = recognitionCtor();
    if (!Ctor) return;
    let rec: Recognition;
    try {
      rec = new Ctor();
    } catch {
      this.host.onVoiceError();
      return;
    }
    const before = this.host.getDraft();
    const sep = before === '' || /\s$/.test(before) ? '' : ' ';
    rec.lang = lang;
    rec.interimResults = true;
    rec.continuous = false;
    rec.onresult = (e) => {
      let heard = '';
      for (let i = 0; i < e.results.length; i++) heard += e.results[i]?.[0].transcript ?? '';
      this.host.setDraft(before + sep + heard.trim());
    };
    rec.onerror = (e) => {
      if (e.error !== 'aborted' && e.error !== 'no-speech') this.host.onVoiceError();
    };
    rec.onend = () => {
      this.listening = false;
      this.rec = null;
      this.host.requestUpdate();
    };
    this.rec = rec;
    this.listening = true;
    try {
      rec.start();
    } catch {
      this.listening = false;
      this.rec = null;
      this.host.onVoiceError();
    }
    this.host.requestUpdate();
  }

  hostDisconnected(): void {
    this.rec?.abort();
    this.rec = null;
    this.listening = false;
  }
}
