/**
 * A chat-messages mock (../../../../shared/seeds/chat-messages-api.txt): `GET` and `POST
 * /api/v1/chat-messages` with the `authorization` API key, the seed's field rules (UUID
 * ids, `content` <= 4,000, `externalId` 3–250 or null, `chatThreadId` required but
 * nullable), a chat opened by its first message, and a scripted assistant that answers in
 * plain text. The seed promises nothing for a repeated `externalId`: stored again, unless
 * `dedupeExternalId` answers it with the message already stored.
 */

export interface ChatMessagesMockOptions {
  /** The accepted `authorization` value. Default `mock-chat-messages-key`. */
  apiKey?: string;
  /** Default true: the assistant answers 300–800 ms later, a multi-part answer message by message. */
  realtime?: boolean;
  /** With `realtime`: the assistant's pause before each message, between min and max ms. Default [300, 800]. */
  replyDelayMs?: readonly [number, number];
  /** A repeated `externalId` in a chat gets the message already stored (not in the seed). Default false. */
  dedupeExternalId?: boolean;
  /**
   * How `content`'s 4,000 are counted: code points (default, as the relay counts) or UTF-16
   * units (a server validating with `.length`; the seed gives no unit).
   */
  contentUnit?: 'codepoint' | 'utf16';
  /**
   * Who the answers come from. Default `{ role: 'assistant', senderId: null }`; the seed lists
   * no role values, and human agents may well answer as `user` with their own sender id.
   */
  answerAs?: { role: 'user' | 'assistant'; senderId: string | null };
  /**
   * Test hook: answer a request with this status instead; with `after`, once the request was
   * carried out (a server that stored the message, then failed).
   */
  fault?: (request: {
    method: string;
    search: string;
  }) => { status: number; headers?: Record<string, string>; after?: boolean } | undefined;
}

export interface ChatMessage {
  createdAt: string;
  id: string;
  updatedAt: string;
  chatId: string;
  chatThreadId: string | null;
  content: string;
  externalId: string | null;
  rawContent: string | null;
  role: 'user' | 'assistant';
  senderId: string | null;
}

export interface ChatMessagesMock {
  fetch(request: Request): Promise<Response>;
  readonly apiKey: string;
  readonly messages: readonly ChatMessage[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Where the seed says "A UUID v4 string" (GET's chatId, POST's senderId). */
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
const ROUTE = /\/api\/v1\/chat-messages\/?$/;

function reply(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
}

function problem(status: number, message: string, headers: Record<string, string> = {}): Response {
  return reply(status, { statusCode: status, message }, headers);
}

/** The assistant's answers: several messages for some, to exercise polling. */
export function assistantReply(content: string): string[] {
  const t = content.trim().toLowerCase();
  if (t === 'init' || t === 'hi' || t === 'hello')
    return ['Hello! I answer on a chat-messages API.\n\nAsk me about opening hours, delivery or returns.'];
  if (t.includes('hour')) return ['We are open Monday to Friday, 9 to 19.\nSaturday 10 to 13.'];
  if (t.includes('deliver')) return ['Delivery takes 2–3 working days.', 'Orders over 50 € ship for free.'];
  if (t.includes('return')) return ['You can return anything within 30 days.', 'Keep the receipt.', 'Refunds take about a week.'];
  return [`You wrote: "${content.trim().slice(0, 300)}" <- plain text, shown as such.`, 'Ask me about opening hours, delivery or returns.'];
}

export function createChatMessagesMock(options: ChatMessagesMockOptions = {}): ChatMessagesMock {
  const apiKey = options.apiKey ?? 'mock-chat-messages-key';
  const realtime = options.realtime ?? true;
  const messages: ChatMessage[] = [];
  let lastTime = 0;
  const stamp = () => {
    lastTime = Math.max(Date.now(), lastTime + 1);
    return new Date(lastTime).toISOString();
  };
  const store = (m: Omit<ChatMessage, 'createdAt' | 'updatedAt' | 'id'>): ChatMessage => {
    const at = stamp();
    const message = { createdAt: at, updatedAt: at, id: crypto.randomUUID(), ...m };
    messages.push(message);
    return message;
  };

  const answer = (incoming: ChatMessage) => {
    const parts = assistantReply(incoming.content);
    const post = (content: string) =>
      store({
        chatId: incoming.chatId,
        chatThreadId: incoming.chatThreadId,
        content,
        rawContent: content,
        externalId: null,
        ...(options.answerAs ?? { role: 'assistant', senderId: null }),
      });
    if (!realtime) return parts.forEach(post);
    let delay = 0;
    const [min, max] = options.replyDelayMs ?? [300, 800];
    for (const p of parts) {
      delay += min + Math.floor(Math.random() * (max - min));
      setTimeout(() => post(p), delay);
    }
  };

  const create = async (request: Request): Promise<Response> => {
    const type = (request.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase();
    if (type !== 'application/json') return problem(415, 'Send application/json.');
    let b: Record<string, unknown>;
    try {
      const v: unknown = JSON.parse(await request.text());
      if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error();
      b = v as Record<string, unknown>;
    } catch {
      return problem(400, 'The body is not a JSON object.');
    }
    const { chatId, chatThreadId, content, externalId, senderId, role } = b;
    if (typeof chatId !== 'string' || !UUID.test(chatId)) return problem(400, 'chatId must be a UUID.');
    if (!('chatThreadId' in b) || (chatThreadId !== null && (typeof chatThreadId !== 'string' || !UUID.test(chatThreadId))))
      return problem(400, 'chatThreadId must be a UUID or null.');
    if (typeof content !== 'string') return problem(400, 'content must be a string.');
    if ((options.contentUnit === 'utf16' ? content.length : [...content].length) > 4000)
      return problem(400, 'content must be at most 4000 characters.');
    if (
      !('externalId' in b) ||
      (externalId !== null && (typeof externalId !== 'string' || externalId.length < 3 || externalId.length > 250))
    )
      return problem(400, 'externalId must be 3 to 250 characters or null.');
    if (typeof senderId !== 'string' || !UUID_V4.test(senderId)) return problem(400, 'senderId must be a UUID v4.');
    if (role !== 'user') return problem(400, 'role must be "user".');
    if (externalId !== null && options.dedupeExternalId) {
      const again = messages.find((m) => m.chatId === chatId && m.externalId === externalId);
      if (again) return reply(200, again);
    }
    const message = store({ chatId, chatThreadId, content, externalId, rawContent: null, role, senderId });
    answer(message);
    return reply(200, message);
  };

  return {
    apiKey,
    messages,
    async fetch(request: Request): Promise<Response> {
      try {
        const url = new URL(request.url);
        if (!ROUTE.test(url.pathname)) return problem(404, 'Not found.');
        if (request.headers.get('authorization') !== apiKey) return problem(401, 'Invalid API key.');
        const fault = options.fault?.({ method: request.method, search: url.search });
        if (fault && !fault.after) return problem(fault.status, `Mock fault ${fault.status}.`, fault.headers);
        if (request.method === 'POST') {
          const created = await create(request);
          return fault ? problem(fault.status, `Mock fault ${fault.status}.`, fault.headers) : created;
        }
        if (request.method === 'GET') {
          const chatId = url.searchParams.get('chatId');
          if (!chatId || !UUID_V4.test(chatId)) return problem(400, 'chatId must be a UUID v4.');
          return reply(
            200,
            messages.filter((m) => m.chatId === chatId),
          );
        }
        return problem(405, 'Use GET or POST.', { allow: 'GET, POST' });
      } catch {
        return problem(500, 'Internal error.');
      }
    },
  };
}
