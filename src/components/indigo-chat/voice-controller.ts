/**
 * Voice input through the Web Speech API, where the browser has it (Chromium, Safari):
 * the microphone fills the composer and never sends by itself. Nothing is constructed
 * before the visitor clicks, so the permission prompt appears only then.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { lazyModule } from '../blocks/lazy-part.js';
import type { Dictation } from './voice-dictation.js';

// The recognition handling loads on the first click (voice-dictation.ts).
const dictation = lazyModule('voice', () => import('./voice-dictation.js'), false);

interface RecognitionResultLike {
  readonly isFinal: boolean;
  readonly 0: { readonly transcript: string };
}
interface RecognitionEventLike {
  readonly resultIndex: number;
  readonly results: ArrayLike<RecognitionResultLike>;
}
export interface Recognition {
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

export function recognitionCtor(): RecognitionCtor | null {
  const g = globalThis as { SpeechRecognition?: RecognitionCtor; webkitSpeechRecognition?: RecognitionCtor };
  return g.SpeechRecognition ?? g.webkitSpeechRecognition ?? null;
}

export interface VoiceHost extends ReactiveControllerHost {
  /** The composer's text now / replace it. */
  getDraft(): string;
  setDraft(text: string): void;
  onVoiceError(): void;
  readonly isConnected: boolean;
}

export class VoiceController implements ReactiveController {
  readonly #host: VoiceHost;
  #dictation: Dictation | null = null;

  constructor(host: VoiceHost) {
    this.#host = host;
    host.addController(this);
  }

  get listening(): boolean {
    return this.#dictation?.listening ?? false;
  }

  /** Decided per render: a polyfill or a test may install the API later. */
  get supported(): boolean {
    return recognitionCtor() !== null;
  }

  toggle(lang: string): void {
    dictation.load().then(
      // Removed while its code loaded: no microphone for a chat that is gone.
      (m) => this.#host.isConnected && (this.#dictation ??= new m.Dictation(this.#host)).toggle(lang),
      () => this.#host.onVoiceError(),
    );
  }

  hostDisconnected(): void {
    this.#dictation?.abort();
  }
}
