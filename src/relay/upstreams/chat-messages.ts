import { RelayConfigError, httpBase } from '../config-error.js';
import { defaultSleep, pollingAnswer, type PollItem, type PollResult, type PollTiming } from './polling.js';
import { refuse, type UpstreamContext, type UpstreamMessage, type UpstreamSpec } from './types.js';
import { TurnMemory, botMessagesOfTurn, type Turn } from './turn-memory.js';
import { isUuidV4, stableUuidV4, uuidV4 } from './uuid.js';
import { readJson } from './json-body.js';
import { readCapped } from '../read-capped.js';
import { plainTextToHtml } from './plain-text-html.js';

/**
 * A REST chat-messages API (../../../../shared/seeds/chat-messages-api.txt): `POST
 * /api/v1/chat-messages` to write the visitor's message, `GET /api/v1/chat-messages?chatId=`
 * polled for the answer. The seed documents no endpoint that creates a chat, so each
 * visitor's `chatId` comes from a resolver: by default a stable UUID v5 of the sender id,
 * for servers that open a chat on its first message. Owners who map chats themselves pass
 * their own `resolveChatId`.
 */

export interface ChatMessagesSettings {
  /** e.g. https://api.example.com (paths start with /api/v1). */
  readonly apiBase: string;
  /** The `authorization` header value, sent as is. */
  readonly apiKey: string;
  /** The UUID the relay posts as, for the visitor. */
  readonly senderId: string;
  /** Default 1500. */
  readonly replyQuietMs?: number;
  /** Default 30000. */
  readonly replyMaxMs?: number;
  /** The visitor's chat. Default: UUID v5 of the sender id. */
  readonly resolveChatId?: (sender: string) => string | Promise<string>;
}

export const CHAT_MESSAGES_DEFAULTS = Object.freeze({ replyQuietMs: 1500, replyMaxMs: 30_000 });
/** The seed's cap on `content`. */
export const CHAT_MESSAGES_MAX_CONTENT = 4000;
const USER_ROLE = 'user';

type Rec = { readonly [key: string]: unknown };
const isRec = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The seed's ids are UUID strings and its times ISO strings; a server that numbers its
 * messages or writes epoch milliseconds is read alike (its answers were dropped unseen).
 * Never String() on a platform value: `{"toString": 1}` is valid JSON that String() throws on.
 */
const idOf = (v: unknown): string | undefined => (typeof v === 'string' ? v : Number.isFinite(v) ? String(v) : undefined);
const timeOf = (v: unknown): number => (typeof v === 'string' ? Date.parse(v) : Number.isFinite(v) ? (v as number) : NaN);

/** The list in a GET answer (an array, or the first array among the usual envelope fields), ids as strings. */
function listOf(body: unknown): Rec[] {
  let list: unknown[] = [];
  if (Array.isArray(body)) list = body;
  else if (isRec(body)) list = ['data', 'chatMessages', 'messages', 'items', 'results'].map((k) => body[k]).find(Array.isArray) ?? [];
  return list.filter(isRec).map((m) => (typeof m['id'] === 'number' ? { ...m, id: idOf(m['id']) } : m));
}

/** How far behind the relay's the server's clock may be, for a send whose time is unknown. */
const CLOCK_SLACK_MS = 5000;

/** How long a failed send waits before looking for its message in the chat's list. */
const LOOKUP_DELAY_MS = 500;

function codePoints(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

export function chatMessagesUpstream(settings: ChatMessagesSettings): UpstreamSpec {
  if (!settings.apiBase) throw new RelayConfigError('RELAY_UPSTREAM=chat-messages needs CHAT_MESSAGES_API_BASE.');
  if (!settings.apiKey) throw new RelayConfigError('RELAY_UPSTREAM=chat-messages needs CHAT_MESSAGES_API_KEY.');
  if (!settings.senderId) throw new RelayConfigError('RELAY_UPSTREAM=chat-messages needs CHAT_MESSAGES_SENDER_ID.');
  // The seed documents senderId as "A UUID v4 string": another version would be refused on every send.
  if (!isUuidV4(settings.senderId)) throw new RelayConfigError('CHAT_MESSAGES_SENDER_ID must be a UUID v4.');
  const base = httpBase('CHAT_MESSAGES_API_BASE', settings.apiBase);
  const t: PollTiming = {
    quietMs: settings.replyQuietMs ?? CHAT_MESSAGES_DEFAULTS.replyQuietMs,
    maxMs: settings.replyMaxMs ?? CHAT_MESSAGES_DEFAULTS.replyMaxMs,
  };
  if (!(t.quietMs > 0) || !(t.maxMs > 0))
    throw new RelayConfigError('CHAT_MESSAGES_REPLY_QUIET_MS and CHAT_MESSAGES_REPLY_MAX_MS must be positive.');
  return {
    name: 'chat-messages',
    maxTextChars: CHAT_MESSAGES_MAX_CONTENT,
    secrets: [settings.apiKey, settings.apiKey.replace(/^(bearer|basic|token)\s+/i, '')],
    create: (context) => createChatMessages(settings, base, t, context),
  };
}

function createChatMessages(settings: ChatMessagesSettings, base: string, t: PollTiming, { fetch, log }: UpstreamContext) {
  // GET documents chatId as "A UUID v4 string": the sender's hash in the v4 layout.
  const resolve = settings.resolveChatId ?? ((sender: string) => stableUuidV4(sender));
  const endpoint = `${base}/api/v1/chat-messages`;
  const headers = (json: boolean): Record<string, string> => ({
    authorization: settings.apiKey,
    accept: 'application/json',
    ...(json ? { 'content-type': 'application/json' } : {}),
  });

  /**
   * One retry on a network error or a 5xx. The seed promises no dedupe by `externalId`, and
   * a server may have stored the message before failing: the chat's list is read first,
   * and a message already there with this `externalId` is the receipt (the visitor's
   * message is not posted twice, so the bot does not answer it twice).
   */
  const post = async (body: { chatId: string; externalId: string; [field: string]: unknown }, signal: AbortSignal): Promise<Response> => {
    for (let attempt = 0; ; attempt++) {
      try {
        const res = await fetch(new Request(endpoint, { method: 'POST', headers: headers(true), body: JSON.stringify(body), signal }));
        if (res.status < 500 || attempt >= 1) return res;
        res.body?.cancel().catch(() => {});
      } catch (e) {
        if (signal.aborted || attempt >= 1) throw e;
      }
      // A moment first: a gateway's 502/504 or a dropped connection can come while the
      // server is still storing it.
      // The visitor gone meanwhile (a closed tab, Stop): nothing more, at once.
      await defaultSleep(LOOKUP_DELAY_MS, signal);
      signal.throwIfAborted();
      const stored = (await listed(body.chatId, signal))?.find((m) => m['externalId'] === body.externalId);
      signal.throwIfAborted();
      if (stored) {
        log('info', 'relay: the chat-messages send failed but the message was stored; not sending it again');
        return Response.json(stored);
      }
      log('info', 'relay: retrying the chat-messages send once');
    }
  };

  const turns = new TurnMemory();
  let warnedChatId = false;

  /** The chat's messages (GET), or what went wrong: its status, 502 for an unreadable body. */
  const list = async (chatId: string, signal: AbortSignal): Promise<Rec[] | { status: number; headers?: Headers }> => {
    const res = await fetch(new Request(`${endpoint}?${new URLSearchParams({ chatId })}`, { headers: headers(false), signal }));
    if (res.status < 200 || res.status > 299) {
      res.body?.cancel().catch(() => {});
      return { status: res.status, headers: res.headers };
    }
    try {
      return listOf(await readJson(res));
    } catch {
      return { status: 502 };
    }
  };
  const listed = async (chatId: string, signal: AbortSignal): Promise<Rec[] | undefined> => {
    const got = await list(chatId, signal).catch(() => undefined);
    return Array.isArray(got) ? got : undefined;
  };

  /**
   * The visitor's own messages: `user` ones posted with this relay's sender id (or with none).
   * The seed lists no role values, and its senders include "agents, squads, users or external
   * users": a human agent answering as `user` is still an answer, and so is an `assistant`
   * message a server stamps with the chat's sender id.
   */
  const isVisitor = (m: Rec): boolean =>
    m['role'] === USER_ROLE && (typeof m['senderId'] !== 'string' || m['senderId'].toLowerCase() === settings.senderId.toLowerCase());

  const poll =
    (chatId: string, turn: Turn) =>
    async (signal: AbortSignal): Promise<PollResult> => {
      const { after, skip } = turn;
      const got = await list(chatId, signal);
      if (!Array.isArray(got)) return { ok: false, ...got };
      const all = got
        .map((m, i) => ({ m, i, at: timeOf(m['createdAt']) }))
        .sort((a, b) => (Number.isFinite(a.at) && Number.isFinite(b.at) && a.at !== b.at ? a.at - b.at : a.i - b.i));
      // Messages after the visitor's: by position when it is listed, else by time.
      const mine = all.findIndex((x) => x.m['id'] === after.id);
      const later =
        mine >= 0 ? all.slice(mine + 1) : all.filter((x) => Number.isFinite(x.at) && x.at >= after.at && x.m['id'] !== after.id);
      const items: PollItem[] = [];
      const listed = later.map((x) => x.m);
      for (const { message: m, carried } of botMessagesOfTurn(listed, turn.current, (x) => x['id'], isVisitor)) {
        if (typeof m['id'] !== 'string' || skip.has(m['id'])) continue;
        const content = typeof m['content'] === 'string' ? m['content'] : '';
        const html = plainTextToHtml(content);
        const chunks = html ? [{ type: 'text', data: { text: html, is_caption: false }, is_generated: false }] : [];
        items.push({ id: m['id'], chunks, carried });
      }
      return { ok: true, items };
    };

  return {
    async send({ sender, data, signal, stopped }: UpstreamMessage) {
      if (data.type === 'profile')
        return refuse(400, 'profile_not_supported', 'This platform has no visitor profile; profile updates cannot be stored.');
      const content = data.type === 'text' ? data.text : data.payload;
      if (codePoints(content) > CHAT_MESSAGES_MAX_CONTENT)
        return refuse(413, 'message_too_large', `Messages can be at most ${CHAT_MESSAGES_MAX_CONTENT} characters.`);
      const chatId = await resolve(sender);
      // The seed's GET takes "A UUID v4 string" only: any other id would post, then fail every poll.
      if (!isUuidV4(chatId)) {
        if (!warnedChatId) log('warn', 'relay: resolveChatId must give a UUID v4 (the chat-messages GET takes no other)');
        warnedChatId = true;
        return refuse(500, 'chat_unresolved', 'The relay could not find this conversation.');
      }
      const externalId = `indigo-${uuidV4()}`;
      const sentAt = Date.now();
      const res = await post({ chatId, chatThreadId: null, content, externalId, senderId: settings.senderId, role: USER_ROLE }, signal);
      // The seed gives the 4,000 no unit: a server counting UTF-16 units refuses what the
      // relay let through (emoji count twice there). Said as too long, not as a refusal, when
      // the server's 400 names the content (any other 400 is the platform's, as it came).
      if (res.status === 400 && content.length > CHAT_MESSAGES_MAX_CONTENT) {
        const body = await readCapped(res.body, 4096).catch(() => 'too-large' as const);
        if (body !== 'too-large' && /content/i.test(new TextDecoder().decode(body)))
          return refuse(
            413,
            'message_too_large',
            `Messages can be at most ${CHAT_MESSAGES_MAX_CONTENT} characters here; emoji count as two.`,
          );
        return new Response(null, { status: 400, headers: res.headers }); // only its status is read
      }
      if (res.status < 200 || res.status > 299) return res;
      let created: unknown;
      try {
        created = await readJson(res);
      } catch {
        created = {};
      }
      let m = isRec(created) ? (isRec(created['data']) ? created['data'] : created) : {};
      // A receipt without the message (an empty body, a gateway's own answer): the list
      // carries the externalId this relay chose, so the turn still starts at its message.
      if (idOf(m['id']) === undefined) m = (await listed(chatId, signal))?.find((x) => x['externalId'] === externalId) ?? m;
      const id = idOf(m['id']) ?? '';
      // No time of its own (no receipt, and the lookup failed too): answers from the send on,
      // with a little room for the server's clock (the visitor's own message is never one).
      const stamped = timeOf(m['createdAt']);
      const at = Number.isFinite(stamped) ? stamped : sentAt - CLOCK_SLACK_MS;
      const turn = turns.begin(chatId, { id, at }, stopped);
      // Recorded as shown once delivered, not once fetched: a dropped connection carries the rest.
      return pollingAnswer({ poll: poll(chatId, turn), timing: t, signal, log, delivered: (id) => turn.record([id]) });
    },
  };
}
