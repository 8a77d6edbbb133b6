import type { OutgoingData } from '../../core/protocol/types.js';
import { RelayConfigError, httpBase } from '../config-error.js';
import { BoundedMap } from './bounded-map.js';
import { botpressChunks } from './botpress-payloads.js';
import { fixedAnswer, pollingAnswer, type PollItem, type PollResult, type PollTiming } from './polling.js';
import { refuse, type UpstreamContext, type UpstreamMessage, type UpstreamSpec } from './types.js';
import { TurnMemory, botMessagesOfTurn, type Turn } from './turn-memory.js';
import { uuidV5 } from './uuid.js';
import { readJson } from './json-body.js';

/**
 * Botpress Cloud Chat API (../../../../shared/seeds/botpress-api.txt), or any server that
 * speaks it. Per visitor: get-or-create a user and a conversation tagged with a key
 * derived from the sender id; send the visitor's message as an incoming message; poll the
 * conversation's messages (newest first, `meta.nextToken` pages) for outgoing ones created
 * after it. See docs/decisions/upstream-adapters.md.
 */

export interface BotpressSettings {
  /** Default https://api.botpress.cloud */
  readonly apiBase?: string;
  /** The bearer token (a PAT or a bot token). Held by the relay only. */
  readonly token: string;
  /** Sent as `x-bot-id`. */
  readonly botId: string;
  /** Optional `x-integration-id`. */
  readonly integrationId?: string;
  /** Default 1500. */
  readonly replyQuietMs?: number;
  /** Default 30000. */
  readonly replyMaxMs?: number;
  /** The conversation's channel. Default `channel` (the Chat integration's). */
  readonly channel?: string;
  /**
   * Sent as `integrationName` when the user and the conversation are created: the
   * integration their creation is delegated to (the seed's get-or-create bodies). Default: none.
   */
  readonly integrationName?: string;
  /**
   * The user and conversation tag that holds our visitor key. Botpress accepts only tags the
   * bot declares ("restricted by the list of Tags defined previously by the Bot"): declare
   * `id` on users and conversations, or name one the bot has. Default `id`.
   */
  readonly visitorTag?: string;
  /** Visitors remembered (sender -> user/conversation ids). Default 10,000. */
  readonly cacheSize?: number;
}

export const BOTPRESS_DEFAULTS = Object.freeze({
  apiBase: 'https://api.botpress.cloud',
  replyQuietMs: 1500,
  replyMaxMs: 30_000,
});

/** Tag that ties a Botpress user and conversation to our visitor key (`visitorTag`'s default). */
export const BOTPRESS_VISITOR_TAG = 'id';

/** A tag name as Botpress takes identifiers (a letter first, 2-100 characters), with an integration's `name:` prefix. */
const TAG_NAME = /^[a-zA-Z][\w.:-]{1,99}$/;

/** The error types the seed lists: one of these is logged as Botpress's reason, any other string not at all. */
const ERROR_TYPES = new Set(
  'AlreadyExists Forbidden Internal InvalidDataFormat InvalidIdentifier InvalidJsonSchema InvalidPayload InvalidQuery LimitExceeded MethodNotFound PayloadTooLarge PaymentRequired QuotaExceeded RateLimited ReferenceNotFound RelationConflict ResourceNotFound Runtime Unauthorized Unknown UnsupportedMediaType'.split(
    ' ',
  ),
);

/** Profile keys a Botpress user can take (everything else is refused, not silently dropped). */
const PROFILE_FIELDS: Readonly<Record<string, 'name' | 'pictureUrl'>> = {
  name: 'name',
  pictureUrl: 'pictureUrl',
  picture_url: 'pictureUrl',
  avatar: 'pictureUrl',
};

interface Visitor {
  readonly userId: string;
  readonly conversationId: string;
}

class PlatformStatus extends Error {
  constructor(
    readonly status: number,
    readonly headers: Headers,
    /** Botpress's error `type`, read from a 4xx's body (ReferenceNotFound: an id it no longer knows). */
    readonly type?: string,
  ) {
    super(`platform answered ${status}`);
  }

  /**
   * The workspace's plan, not the visitor or the relay's token: Botpress's QuotaExceeded
   * (403, a soft limit), LimitExceeded (413, a hard one) and PaymentRequired (402). Told as
   * such, not as `upstream_auth` (a 403: "check the token") or `message_too_large` (a 413:
   * "the visitor's message"), which would send the owner looking in the wrong place.
   */
  get accountLimit(): boolean {
    return this.status === 402 || this.type === 'QuotaExceeded' || this.type === 'LimitExceeded';
  }
}

const ACCOUNT_LIMIT = { code: 'upstream_quota', message: 'The assistant is unavailable right now.' } as const;

type Rec = { readonly [key: string]: unknown };
const isRec = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
/** A message's time; NaN unless a string (never String() on it: `{"toString": 1}` throws). */
const dateOf = (v: unknown): number => (typeof v === 'string' ? Date.parse(v) : NaN);
const timeOf = (m: Rec | undefined): number => dateOf(m?.['createdAt']);
const incoming = (m: Rec): boolean => m['direction'] === 'incoming';

function timing(settings: BotpressSettings): PollTiming {
  return {
    quietMs: settings.replyQuietMs ?? BOTPRESS_DEFAULTS.replyQuietMs,
    maxMs: settings.replyMaxMs ?? BOTPRESS_DEFAULTS.replyMaxMs,
  };
}

export function botpressUpstream(settings: BotpressSettings): UpstreamSpec {
  if (!settings.token) throw new RelayConfigError('RELAY_UPSTREAM=botpress needs BOTPRESS_TOKEN.');
  if (!settings.botId) throw new RelayConfigError('RELAY_UPSTREAM=botpress needs BOTPRESS_BOT_ID.');
  const base = httpBase('BOTPRESS_API_BASE', settings.apiBase ?? BOTPRESS_DEFAULTS.apiBase);
  const t = timing(settings);
  if (!(t.quietMs > 0) || !(t.maxMs > 0)) throw new RelayConfigError('BOTPRESS_REPLY_QUIET_MS and BOTPRESS_REPLY_MAX_MS must be positive.');
  if (settings.visitorTag !== undefined && !TAG_NAME.test(settings.visitorTag))
    throw new RelayConfigError('BOTPRESS_VISITOR_TAG must be a tag name the bot declares: a letter, then 1-99 letters, digits or _ . : -.');
  const bare = settings.token.replace(/^bearer\s+/i, '');
  return {
    name: 'botpress',
    secrets: [bare],
    create: (context) => createBotpress(settings, base, bare, t, context),
  };
}

function createBotpress(settings: BotpressSettings, base: string, token: string, t: PollTiming, { fetch, log }: UpstreamContext) {
  const visitors = new BoundedMap<string, Visitor>(settings.cacheSize ?? 10_000);
  const channel = settings.channel ?? 'channel';
  const visitorTag = settings.visitorTag ?? BOTPRESS_VISITOR_TAG;
  const delegated = settings.integrationName ? { integrationName: settings.integrationName } : {};
  // The seed: "The API endpoints will expect the Content-type: application/json HTTP header
  // to be present in the request": on every request, GETs included (a server that checks
  // it would refuse every poll with 415 otherwise).
  const headers: Record<string, string> = {
    authorization: `Bearer ${token}`,
    'x-bot-id': settings.botId,
    ...(settings.integrationId ? { 'x-integration-id': settings.integrationId } : {}),
    accept: 'application/json',
    'content-type': 'application/json',
  };

  /** One API call; a non-2xx throws PlatformStatus (body never forwarded; a 400's `type` kept). */
  const call = async (method: string, path: string, body: unknown, signal: AbortSignal): Promise<Rec> => {
    const res = await fetch(
      new Request(`${base}${path}`, {
        method,
        headers,
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal,
      }),
    );
    if (res.status < 200 || res.status > 299) {
      let type: string | undefined;
      if (res.status >= 400 && res.status < 500) {
        const body: unknown = await readJson(res).catch(() => undefined);
        type = isRec(body) ? str(body['type']) : undefined;
        // The owner's lead (an undeclared tag is an InvalidPayload on get-or-create): which
        // call, without the ids in its path, and the seed's error type. Not for the token,
        // the plan and rate limits, which are logged as such.
        // Nor for a visitor Botpress no longer knows (recreated) or a poll (polling.ts says it).
        if (method !== 'GET' && ![401, 402, 403, 404, 413, 429].includes(res.status) && type !== 'ReferenceNotFound')
          log('warn', 'relay: Botpress refused a call', {
            call: `${method} ${path.replace(/^(\/v1\/chat\/\w+\/)(?!get-or-create)[^?]*/, '$1{id}').split('?')[0]}`,
            status: res.status,
            ...(type && ERROR_TYPES.has(type) ? { type } : {}),
          });
      } else res.body?.cancel().catch(() => {});
      throw new PlatformStatus(res.status, res.headers, type);
    }
    let json: unknown;
    try {
      json = await readJson(res);
    } catch {
      throw new PlatformStatus(502, new Headers());
    }
    if (!isRec(json)) throw new PlatformStatus(502, new Headers());
    return json;
  };

  const visitorFor = async (sender: string, signal: AbortSignal): Promise<Visitor> => {
    const known = visitors.get(sender);
    if (known) return known;
    const key = await uuidV5(sender);
    const tags = { [visitorTag]: key };
    const u = await call('POST', '/v1/chat/users/get-or-create', { tags, ...delegated }, signal);
    const userId = isRec(u['user']) ? str(u['user']['id']) : undefined;
    const c = await call('POST', '/v1/chat/conversations/get-or-create', { channel, tags, ...delegated }, signal);
    const conversationId = isRec(c['conversation']) ? str(c['conversation']['id']) : undefined;
    if (!userId || !conversationId) throw new PlatformStatus(502, new Headers());
    const v = { userId, conversationId };
    visitors.set(sender, v);
    return v;
  };

  /**
   * Runs `step` with the visitor's ids; when Botpress no longer knows them (404 for an id in
   * the path, 400 ReferenceNotFound for one in the body, as its error list documents)
   * recreates them once.
   */
  const withVisitor = async <T>(sender: string, signal: AbortSignal, step: (v: Visitor) => Promise<T>): Promise<T> => {
    try {
      return await step(await visitorFor(sender, signal));
    } catch (e) {
      if (!(e instanceof PlatformStatus) || (e.status !== 404 && e.type !== 'ReferenceNotFound')) throw e;
      visitors.delete(sender);
      log('info', 'relay: Botpress no longer knows this visitor; recreating user and conversation');
      return step(await visitorFor(sender, signal));
    }
  };

  /** An account limit, logged with Botpress's type (the owner's lead) and refused as such. */
  const limited = (e: PlatformStatus): { refused?: typeof ACCOUNT_LIMIT } => {
    if (!e.accountLimit) return {};
    log('warn', "relay: Botpress refused the request for the workspace's plan (quota, limit or payment)", {
      status: e.status,
      // One of the two known names, never the platform's string as it came (the log is ours).
      ...(e.type === 'QuotaExceeded' || e.type === 'LimitExceeded' ? { type: e.type } : {}),
    });
    return { refused: ACCOUNT_LIMIT };
  };

  const turns = new TurnMemory(settings.cacheSize ?? 10_000);

  const poll =
    (conversationId: string, turn: Turn) =>
    async (signal: AbortSignal): Promise<PollResult> => {
      const { after, skip } = turn;
      const found: Rec[] = [];
      let nextToken: string | undefined;
      let ascending = false;
      let passed = false; // an oldest-first list went past the visitor's message
      for (let page = 0; page < 50; page++) {
        const q = new URLSearchParams({ conversationId });
        if (nextToken) q.set('nextToken', nextToken);
        let body: Rec;
        try {
          body = await call('GET', `/v1/chat/messages?${q}`, undefined, signal);
        } catch (e) {
          if (e instanceof PlatformStatus) return { ok: false, status: e.status, headers: e.headers, ...limited(e) };
          throw e;
        }
        const messages = Array.isArray(body['messages']) ? body['messages'].filter(isRec) : [];
        // The seed lists newest first; a server that lists oldest first is read to its end.
        if (messages.length > 1) ascending = timeOf(messages[0]) < timeOf(messages[messages.length - 1]);
        let reached = false;
        for (const m of messages) {
          const id = str(m['id']);
          const at = timeOf(m);
          const timed = Number.isFinite(at) && Number.isFinite(after.at);
          if (id === after.id) {
            reached = passed = true;
            continue;
          }
          if (timed && at < after.at) {
            reached = true; // older than the visitor's message
            continue;
          }
          // Without times, list order says what is newer than the visitor's message.
          if (!timed && (ascending ? !passed : reached)) continue;
          // This conversation's messages only, whatever the server filtered: the bot's
          // (outgoing) not yet emitted, and the visitor's (incoming) to place them.
          const conv = m['conversationId'];
          if (!id || (conv !== undefined && conv !== conversationId)) continue;
          if (m['direction'] === 'outgoing' ? !skip.has(id) : m['direction'] === 'incoming') found.push(m);
        }
        nextToken = isRec(body['meta']) ? str(body['meta']['nextToken']) : undefined;
        if ((reached && !ascending) || !nextToken) break;
      }
      // Oldest first, in the order the bot sent them.
      if (!ascending) found.reverse();
      found.sort((a, b) => (timeOf(a) || 0) - (timeOf(b) || 0));
      const items: PollItem[] = [];
      // A bot that tags its replies with the incoming message's id (under any tag) ties each
      // reply to its question (docs/decisions/late-bot-messages.md).
      const asked = new Set(found.filter(incoming).map((x) => x['id']));
      const tieOf = (x: Rec) => turn.tieOf(isRec(x['tags']) ? Object.values(x['tags']) : [], asked);
      for (const { message: m, carried } of botMessagesOfTurn(found, turn.current, (x) => x['id'], incoming, tieOf)) {
        const id = String(m['id']);
        // `type` sits on the message; older servers put it inside the payload.
        const payload = m['payload'];
        const type = m['type'] ?? (isRec(payload) ? payload['type'] : undefined);
        const chunks = botpressChunks(type, payload, id);
        if (chunks.length === 0)
          log('info', 'relay: skipped a Botpress message with nothing to show', { type: str(m['type'])?.slice(0, 40) });
        items.push({ id, chunks, carried });
      }
      return { ok: true, items };
    };

  const sendProfile = async (sender: string, profile: Readonly<Record<string, string>>, signal: AbortSignal) => {
    const update: Record<string, string> = {};
    for (const [k, v] of Object.entries(profile)) {
      const field = Object.hasOwn(PROFILE_FIELDS, k) ? PROFILE_FIELDS[k] : undefined;
      if (!field)
        return refuse(400, 'profile_not_supported', 'Botpress users take only name and pictureUrl; other profile keys cannot be stored.');
      update[field] = v;
    }
    await withVisitor(sender, signal, (v) => call('PUT', `/v1/chat/users/${encodeURIComponent(v.userId)}`, update, signal));
    return fixedAnswer([{ type: 'processing.start' }, { type: 'processing.end' }]);
  };

  /** A quick-reply payload goes as its value, the way a Botpress choice answer arrives. */
  const payloadOf = (data: Exclude<OutgoingData, { type: 'profile' }>) => ({
    type: 'text',
    payload: { text: data.type === 'text' ? data.text : data.payload },
  });

  return {
    async send({ sender, data, signal, stopped }: UpstreamMessage) {
      try {
        if (data.type === 'profile') return await sendProfile(sender, data.profile, signal);
        const sent = await withVisitor(sender, signal, async (v) => {
          const r = await call(
            'POST',
            '/v1/chat/messages',
            { userId: v.userId, conversationId: v.conversationId, ...payloadOf(data), tags: {} },
            signal,
          );
          const m = isRec(r['message']) ? r['message'] : {};
          return { conversationId: v.conversationId, id: str(m['id']) ?? '', at: timeOf(m) };
        });
        const turn = turns.begin(sent.conversationId, { id: sent.id, at: sent.at }, stopped);
        // Recorded as shown once delivered, not once fetched: a dropped connection carries the rest.
        return pollingAnswer({ poll: poll(sent.conversationId, turn), timing: t, signal, log, delivered: (id) => turn.record([id]) });
      } catch (e) {
        if (e instanceof PlatformStatus) {
          const { refused } = limited(e);
          return refused ? refuse(502, refused.code, refused.message) : new Response(null, { status: e.status, headers: e.headers });
        }
        throw e;
      }
    },
  };
}
