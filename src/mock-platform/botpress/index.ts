/**
 * A Botpress-compatible mock (../../../../shared/seeds/botpress-api.txt) as a web-standard
 * `(Request) => Promise<Response>` handler: bearer token, `x-bot-id` and (on every request,
 * as the seed says) `Content-type: application/json` checks, the seed's
 * error objects (`{type, description, status}`), users and conversations with
 * get-or-create by tags, messages listed newest first in pages of 20 with an opaque
 * `meta.nextToken`, and a scripted bot (./bot.ts) that answers incoming messages with
 * outgoing ones after a short, human-like delay. Routes match on the path suffix, so it
 * works under any prefix; `GET …/media/:name` serves its media.
 */
import { mediaResponse } from '../shared-media.js';
import { botReply, type BotMessage } from './bot.js';

export interface BotpressMockOptions {
  /** The accepted bearer token. Default `mock-botpress-token`. */
  token?: string;
  /** The accepted `x-bot-id`. Default `mock-bot`. */
  botId?: string;
  /** Default true: the bot answers 300–800 ms after the visitor, and between its messages. false: at once. */
  realtime?: boolean;
  /** With `realtime`: the bot's pause before each message, between min and max ms. Default [300, 800]. */
  replyDelayMs?: readonly [number, number];
  /** Absolute media base; default `${request origin}${mount prefix}/media`. */
  mediaBase?: string;
  /** List page size. Default 20 (the seed's). */
  pageSize?: number;
  /**
   * A bot that tags each reply with the id of the incoming message it answers, under this
   * tag name (Botpress bots may set message tags; none does this by itself). Default: none.
   */
  replyTag?: string;
  /**
   * The user and conversation tags the bot declares: get-or-create with any other answers
   * 400 InvalidPayload, as Botpress restricts tags "to the list of Tags defined previously
   * by the Bot". Default: any tag.
   */
  declaredTags?: readonly string[];
  /** Test hook: answer a request with this status (and headers) instead. */
  fault?: (request: { method: string; path: string }) =>
    | {
        status: number;
        headers?: Record<string, string>;
        /** The error object's `type` when not the status's own (`QuotaExceeded` on a 403). */
        type?: 'QuotaExceeded' | 'LimitExceeded';
      }
    | undefined;
}

interface Entity {
  id: string;
  createdAt: string;
  updatedAt: string;
  tags: Record<string, string>;
}
interface User extends Entity {
  name?: string;
  pictureUrl?: string;
}
interface Conversation extends Entity {
  channel: string;
  integration: string;
}
interface Message {
  id: string;
  createdAt: string;
  type: string;
  payload: Record<string, unknown>;
  direction: 'incoming' | 'outgoing';
  userId: string;
  conversationId: string;
  tags: Record<string, string>;
}

export interface BotpressMock {
  fetch(request: Request): Promise<Response>;
  readonly token: string;
  readonly botId: string;
  /** Read-only view for tests. */
  readonly state: {
    readonly users: ReadonlyMap<string, User>;
    readonly conversations: ReadonlyMap<string, Conversation>;
    readonly messages: readonly Message[];
  };
  /** Requests seen (method + path + query), for tests: the last 1,000 to 2,000 (the demo runs for days). */
  readonly log: readonly string[];
}

const ERRORS: Readonly<Record<number, [string, string]>> = {
  400: ['InvalidPayload', 'The request payload is invalid.'],
  401: ['Unauthorized', 'The request requires to be authenticated.'],
  402: ['PaymentRequired', 'A payment is required to perform this request.'],
  403: ['Forbidden', "The requested action can't be peform by this resource."],
  404: ['ResourceNotFound', 'The requested resource does not exist.'],
  405: ['MethodNotFound', 'The requested method does not exist.'],
  409: [
    'RelationConflict',
    "The resource is not related with another resource. This is usually caused when providing two resources that aren't linked together.",
  ],
  413: ['PayloadTooLarge', 'The request payload is too large.'],
  415: ['UnsupportedMediaType', 'The request is invalid because the content-type is not supported.'],
  429: ['RateLimited', 'The request has been rate limited.'],
  500: ['Internal', 'An internal error occurred'],
};

/** The seed's account-limit errors, which share a status with others (403 Forbidden, 413 PayloadTooLarge). */
const TYPED_ERRORS: Readonly<Record<string, string>> = {
  QuotaExceeded: 'The request exceeds the allowed quota. Quotas are a soft limit that can be increased.',
  LimitExceeded: 'The request exceeds the allowed limit. Limits are a hard limit that cannot be increased.',
};

function error(status: number, headers: Record<string, string> = {}, type?: string, description?: string): Response {
  const [t, d] = ERRORS[status] ?? ['Unknown', 'An unknown error occurred'];
  return new Response(JSON.stringify({ type: type ?? t, description: description ?? d, status }), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
}

function json(body: unknown): Response {
  return new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
}

type Rec = Record<string, unknown>;
const isRec = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v);

function stringTags(v: unknown): Record<string, string> | null {
  if (v === undefined) return {};
  if (!isRec(v)) return null;
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v)) {
    if (typeof x !== 'string') return null;
    out[k] = x;
  }
  return out;
}

const MAX_BODY = 128 * 1024;

const isJson = (request: Request) => (request.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase() === 'application/json';
const ROUTE = /\/v1\/chat\/(users|conversations|messages)(?:\/([^/]+))?\/?$/;
const MEDIA_ROUTE = /\/media\/([A-Za-z0-9._-]+)$/;

export function createBotpressMock(options: BotpressMockOptions = {}): BotpressMock {
  const token = options.token ?? 'mock-botpress-token';
  const botId = options.botId ?? 'mock-bot';
  const realtime = options.realtime ?? true;
  const pageSize = options.pageSize ?? 20;
  const users = new Map<string, User>();
  const conversations = new Map<string, Conversation>();
  const messages: Message[] = [];
  const seen: string[] = [];
  let counter = 0;
  let lastTime = 0;
  const id = (prefix: string) => `${prefix}_${Date.now().toString(36)}${(++counter).toString(36).padStart(4, '0')}`;
  // Strictly increasing creation times, as a database would give.
  const stamp = () => {
    lastTime = Math.max(Date.now(), lastTime + 1);
    return new Date(lastTime).toISOString();
  };
  const undeclared = (tags: Record<string, string>) =>
    options.declaredTags !== undefined && Object.keys(tags).some((k) => !options.declaredTags!.includes(k));
  const matches = (tags: Record<string, string>, wanted: Record<string, string>) =>
    Object.keys(wanted).length > 0 && Object.entries(wanted).every(([k, v]) => tags[k] === v);

  const fill = (value: unknown, media: string): unknown => {
    if (typeof value === 'string') return value.split('{media}').join(media);
    if (Array.isArray(value)) return value.map((v) => fill(v, media));
    if (isRec(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v, media)]));
    return value;
  };

  const botAnswers = (incoming: Message, media: string) => {
    const text = typeof incoming.payload['text'] === 'string' ? incoming.payload['text'] : '';
    const replies = botReply(text);
    const post = (m: BotMessage) => {
      if (!conversations.has(incoming.conversationId)) return;
      const at = stamp();
      messages.push({
        id: id('msg'),
        createdAt: at,
        type: m.type,
        payload: fill(m.payload, media) as Record<string, unknown>,
        direction: 'outgoing',
        userId: incoming.userId,
        conversationId: incoming.conversationId,
        tags: options.replyTag ? { [options.replyTag]: incoming.id } : {},
      });
    };
    if (!realtime) {
      replies.forEach(post);
      return;
    }
    let delay = 0;
    for (const m of replies) {
      const [min, max] = options.replyDelayMs ?? [300, 800];
      delay += min + Math.floor(Math.random() * (max - min));
      setTimeout(() => post(m), delay);
    }
  };

  async function body(request: Request): Promise<Rec | Response> {
    const text = await request.text();
    if (text.length > MAX_BODY) return error(413);
    try {
      const v: unknown = JSON.parse(text);
      return isRec(v) ? v : error(400);
    } catch {
      return error(400);
    }
  }

  async function route(request: Request, url: URL, prefix: string, kind: string, param: string | undefined): Promise<Response> {
    const m = request.method;
    if (kind === 'users') {
      if (m === 'POST' && param === 'get-or-create') {
        const b = await body(request);
        if (b instanceof Response) return b;
        const tags = stringTags(b['tags']);
        if (!tags || undeclared(tags)) return error(400);
        let user = [...users.values()].find((u) => matches(u.tags, tags));
        if (!user) {
          const at = stamp();
          user = { id: id('user'), createdAt: at, updatedAt: at, tags };
          if (typeof b['name'] === 'string') user.name = b['name'];
          if (typeof b['pictureUrl'] === 'string') user.pictureUrl = b['pictureUrl'];
          users.set(user.id, user);
        }
        return json({ user });
      }
      if (param && param !== 'get-or-create') {
        const user = users.get(param);
        if (!user) return error(404);
        if (m === 'GET') return json({ user });
        if (m === 'PUT') {
          const b = await body(request);
          if (b instanceof Response) return b;
          const tags = stringTags(b['tags']);
          if (!tags) return error(400);
          for (const k of ['name', 'pictureUrl'] as const) {
            if (b[k] !== undefined && typeof b[k] !== 'string') return error(400);
            if (typeof b[k] === 'string') user[k] = b[k];
          }
          Object.assign(user.tags, tags);
          user.updatedAt = stamp();
          return json({ user });
        }
        if (m === 'DELETE') {
          users.delete(param);
          return json({ user });
        }
      }
      return error(405);
    }
    if (kind === 'conversations') {
      if (m === 'POST' && param === 'get-or-create') {
        const b = await body(request);
        if (b instanceof Response) return b;
        const tags = stringTags(b['tags']);
        if (!tags || undeclared(tags) || typeof b['channel'] !== 'string' || b['channel'] === '') return error(400);
        let conversation = [...conversations.values()].find((c) => c.channel === b['channel'] && matches(c.tags, tags));
        if (!conversation) {
          const at = stamp();
          const integration = typeof b['integrationName'] === 'string' && b['integrationName'] ? b['integrationName'] : 'chat';
          conversation = { id: id('conv'), createdAt: at, updatedAt: at, channel: b['channel'], integration, tags };
          conversations.set(conversation.id, conversation);
        }
        return json({ conversation });
      }
      if (param && param !== 'get-or-create') {
        const conversation = conversations.get(param);
        if (!conversation) return error(404);
        if (m === 'GET') return json({ conversation });
        if (m === 'DELETE') {
          conversations.delete(param);
          for (let i = messages.length - 1; i >= 0; i--) if (messages[i]?.conversationId === param) messages.splice(i, 1);
          return json({ conversation });
        }
      }
      return error(405);
    }
    // messages
    if (m === 'POST' && param === undefined) {
      const b = await body(request);
      if (b instanceof Response) return b;
      const tags = stringTags(b['tags']);
      if (
        !tags ||
        typeof b['type'] !== 'string' ||
        !isRec(b['payload']) ||
        typeof b['userId'] !== 'string' ||
        typeof b['conversationId'] !== 'string'
      )
        return error(400);
      // An id in the body that does not exist: the seed's ReferenceNotFound (400); 404 is for
      // the resource a path names.
      if (!users.has(b['userId']) || !conversations.has(b['conversationId']))
        return error(400, {}, 'ReferenceNotFound', 'The provided resource reference is missing.');
      const message: Message = {
        id: id('msg'),
        createdAt: stamp(),
        type: b['type'],
        payload: b['payload'],
        direction: 'incoming',
        userId: b['userId'],
        conversationId: b['conversationId'],
        tags,
      };
      messages.push(message);
      botAnswers(message, options.mediaBase ?? `${url.origin}${prefix}/media`);
      return json({ message });
    }
    if (m === 'GET' && param === undefined) {
      const conversationId = url.searchParams.get('conversationId');
      const list = messages.filter((x) => conversationId === null || x.conversationId === conversationId).reverse();
      let offset = 0;
      const tokenParam = url.searchParams.get('nextToken');
      if (tokenParam !== null) {
        try {
          const decoded = JSON.parse(atob(tokenParam)) as { o?: unknown; c?: unknown };
          if (typeof decoded.o !== 'number' || decoded.c !== conversationId) throw new Error('bad token');
          offset = decoded.o;
        } catch {
          return error(
            400,
            {},
            'InvalidQuery',
            'The provided query is invalid. This is usually caused when providing an invalid parameter for querying a resource.',
          );
        }
      }
      const page = list.slice(offset, offset + pageSize);
      const more = offset + pageSize < list.length;
      return json({ messages: page, meta: more ? { nextToken: btoa(JSON.stringify({ o: offset + pageSize, c: conversationId })) } : {} });
    }
    if (param !== undefined) {
      const message = messages.find((x) => x.id === param);
      if (!message) return error(404);
      if (m === 'GET') return json({ message });
    }
    return error(405);
  }

  return {
    token,
    botId,
    state: { users, conversations, messages },
    log: seen,
    async fetch(request: Request): Promise<Response> {
      try {
        const url = new URL(request.url);
        const mediaMatch = MEDIA_ROUTE.exec(url.pathname);
        if (mediaMatch && (request.method === 'GET' || request.method === 'HEAD'))
          return mediaResponse(request, mediaMatch[1] as string) ?? error(404);
        const match = ROUTE.exec(url.pathname);
        seen.push(`${request.method} ${url.pathname.slice(match?.index ?? 0)}${url.search}`);
        if (seen.length > 2000) seen.splice(0, 1000);
        if (!match) return error(404);
        if (request.headers.get('authorization') !== `Bearer ${token}`) return error(401);
        if (request.headers.get('x-bot-id') !== botId) return error(403);
        // The seed expects `Content-type: application/json` on every request, not only on bodies.
        if (!isJson(request)) return error(415);
        const fault = options.fault?.({ method: request.method, path: `${url.pathname.slice(match.index)}${url.search}` });
        if (fault) return error(fault.status, fault.headers, fault.type, fault.type ? TYPED_ERRORS[fault.type] : undefined);
        const param = match[2] === undefined ? undefined : decodeURIComponent(match[2]);
        return await route(request, url, url.pathname.slice(0, match.index), match[1] as string, param);
      } catch {
        return error(500);
      }
    },
  };
}
