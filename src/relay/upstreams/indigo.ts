import { conversationKey } from '../../core/platform/message-id.js';
import { RelayConfigError, httpBase } from '../config-error.js';
import type { UpstreamSpec } from './types.js';

/**
 * The indigo.ai Chat API (../../../../shared/seeds/chat-api.md): one streamed POST per
 * message. The platform already speaks the canonical chunk stream, so its response is
 * handed to the relay as is (the relay decodes any framing and re-emits SSE).
 */

export interface IndigoSettings {
  /** e.g. https://platform.indigo.ai (a trailing slash is fine). */
  readonly apiBase: string;
  readonly projectToken: string;
  /** The value after `pat-`; one already starting with `pat-` is used as is. */
  readonly pat: string;
  /** The `source` the platform receives. Default `web`. */
  readonly source?: string;
}

export function patToken(pat: string): string {
  return pat.startsWith('pat-') ? pat : `pat-${pat}`;
}

export function indigoUpstream(settings: IndigoSettings): UpstreamSpec {
  if (!settings.pat) throw new RelayConfigError('The relay needs a PAT (INDIGO_PAT).');
  if (!settings.projectToken) throw new RelayConfigError('The relay needs a project token (INDIGO_PROJECT_TOKEN).');
  httpBase('INDIGO_API_BASE', settings.apiBase);
  const token = patToken(settings.pat);
  const sendUrl = `${settings.apiBase.replace(/\/+$/, '')}/chat/${encodeURIComponent(settings.projectToken)}/send`;
  const source = settings.source || 'web';
  return {
    name: 'indigo',
    secrets: [token, token.slice('pat-'.length)],
    platformChunks: true,
    create: ({ fetch }) => ({
      // Built from config and validated fields only: client data never reaches a URL or header.
      send: ({ sender, data, signal }) =>
        fetch(
          new Request(sendUrl, {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              accept: 'text/event-stream, application/x-ndjson, application/json',
              authorization: `Bearer ${token}`,
            },
            // The platform's sender is the conversation part of the signed id (`<id>` of
            // `<id>.<sig>`): stable per visitor, the key of the answers' message ids and of
            // the feedback, and never the signature, the bearer secret (sender-ids.md).
            body: JSON.stringify({ sender: conversationKey(sender), source, data }),
            signal,
          }),
        ),
    }),
  };
}
