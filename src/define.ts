/**
 * Registers `<indigo-chat>`. Guarded: a page that loads the widget twice (npm bundle plus
 * script tag, or two script tags) gets one console warning, never an exception.
 */
import { IndigoChat } from './components/indigo-chat/indigo-chat.js';
import { defineIndigoChat } from './define-element.js';

export { IndigoChat, defineIndigoChat };

defineIndigoChat();

declare global {
  interface HTMLElementTagNameMap {
    'indigo-chat': IndigoChat;
  }
}
