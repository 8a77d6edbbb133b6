/**
 * Dictation through the Web Speech API, loaded on the first click of the microphone
 * (voice-controller.ts decides whether the button shows).
 */
import { recognitionCtor, type Recognition, type VoiceHost } from './voice-controller.js';

export class Dictation {
  listening = false;
  #rec: Recognition | null = null;

  constructor(private readonly host: VoiceHost) {}

  toggle(lang: string): void {
    if (this.listening) {
      this.#rec?.stop();
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
    let wrote = before;
    rec.onresult = (e) => {
      // The composer changed since (sent, or typed in): the visitor took over, dictation ends.
      if (this.host.getDraft() !== wrote) {
        this.abort();
        this.host.requestUpdate();
        return;
      }
      let heard = '';
      for (let i = 0; i < e.results.length; i++) heard += e.results[i]?.[0].transcript ?? '';
      this.host.setDraft((wrote = before + sep + heard.trim()));
    };
    rec.onerror = (e) => {
      if (e.error !== 'aborted' && e.error !== 'no-speech') this.host.onVoiceError();
    };
    rec.onend = () => {
      this.listening = false;
      this.#rec = null;
      this.host.requestUpdate();
    };
    this.#rec = rec;
    this.listening = true;
    try {
      rec.start();
    } catch {
      this.listening = false;
      this.#rec = null;
      this.host.onVoiceError();
    }
    this.host.requestUpdate();
  }

  abort(): void {
    const rec = this.#rec;
    this.#rec = null;
    this.listening = false;
    if (!rec) return;
    // Its late events belong to no one now (a new dictation may have started meanwhile).
    rec.onresult = rec.onerror = rec.onend = null;
    rec.abort();
  }
}
