/**
 * The mock platform: a faithful, offline stand-in for the indigo.ai Chat API
 * (the platform's Chat API page and our reading of it: docs/protocol.md) as a web-standard
 * `(Request) => Promise<Response>` handler. Used by the demo, the relay's Node server when
 * no PAT is configured, and every test (in Node directly, in the browser through msw).
 *
 * Routes match on the path suffix, so it works mounted under any prefix:
 * - `POST …/chat/:project_token/send`: the chunk stream;
 * - `GET  …/media/:name`: bundled media (shared-media.ts).
 */
import type { Framing } from '../core/protocol/types.js';
import type { DeltaUnit } from '../core/delta/types.js';
import { mediaResponse } from './shared-media.js';
import { frameEncoder, interpret, replyStream, seededRandom, type FrameEncoder, type MockFault } from './reply.js';
import { looksItalian, scenarios, type Scenario } from './scenarios.js';
import { MockHistory, type HistoryOptions } from './history.js';
import { createGraphqlRoute } from './graphql.js';
import { createAnalyticsRoute, type AnalyticsMockOptions } from './analytics.js';
import { DEFAULT_ANALYTICS_PATHS, type AnalyticsEndpoint } from '../core/platform/analytics.js';
import type { FeedbackDetail } from '../core/platform/feedback.js';

export type { MockFault } from './reply.js';
export type { Framing, DeltaUnit };
export { scenarios, looksItalian } from './scenarios.js';
export type { Scenario, ScenarioTable, Step, CardSpec, ButtonSpec, LinkSpec, MediaSpec } from './scenarios.js';
export { MockHistory, contentFromSteps, type HistoryOptions, type MockConversation, type MockMessage } from './history.js';
export { MOCK_SCHEMA_SDL } from './graphql.js';
export { generateAnswerStream, generateAnswerSteps, tokenizeMarkdown, type AnswerStep, type WireDelta } from './generate.js';

export interface MockRequestBody {
  sender: string;
  source: string;
  data: unknown;
}

export interface MockPlatformOptions {
  /** Default 'demo-project'. */
  projectToken?: string;
  /** The accepted PAT (the part after `pat-`). Default 'mock-pat'. */
  pat?: string;
  /** Default true: think 300–700 ms before the first content chunk, tokens every 15–40 ms. false: no delays. */
  realtime?: boolean;
  /** Default 'sse'. */
  framing?: Framing;
  /** Unit of generation deltas. Default 'grapheme'. */
  deltaUnit?: DeltaUnit;
  /** Absolute base for scenario media URLs; default `${request origin}${mount prefix}/media`. */
  mediaBase?: string;
  fault?: MockFault | ((body: MockRequestBody) => MockFault | undefined);
  /** Seed for timing jitter and answer choice. Default: random. */
  seed?: number;
  /** The workspace id of the Analytics API's `{project_id}` (GraphQL accepts any id: one workspace). Default '39'. */
  projectId?: string;
  /** Analytics endpoint paths (default: core/platform/analytics.ts's table). */
  analyticsPaths?: Readonly<Record<AnalyticsEndpoint, string>>;
  /** Analytics rate limit (default the seed's 100 requests / 60 s per PAT). */
  analyticsRateLimit?: AnalyticsMockOptions['rateLimit'];
  /** Test hook: answer an analytics request with a 500. */
  analyticsFault?: AnalyticsMockOptions['fault'];
  /** The stored conversations (GraphQL + Analytics): options for a new history, or one to share. */
  history?: HistoryOptions | MockHistory;
}

export interface MockPlatform {
  fetch(request: Request): Promise<Response>;
  /** What the platform stored: served conversations plus a seeded past. */
  readonly history: MockHistory;
  /** Feedback the relay accepted for one of this platform's conversations. */
  recordFeedback(sender: string, feedback: FeedbackDetail): void;
  readonly projectToken: string;
  readonly pat: string;
  /** The workspace id its GraphQL and Analytics APIs answer for. */
  readonly projectId: string;
}

const MAX_BODY = 64 * 1024;
const SEND_ROUTE = /\/chat\/([^/]+)\/send\/?$/;
const MEDIA_ROUTE = /\/media\/([A-Za-z0-9._-]+)$/;
const GRAPHQL_ROUTE = /\/graphql\/?$/;

function jsonError(status: number, code: string, message: string, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify({ error: { code, message } }), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
  });
}

function safeDecode(s: string): string | undefined {
  try {
    return decodeURIComponent(s);
  } catch {
    return undefined;
  }
}

const CAPTIVE_PORTAL =
  '<!doctype html><html><head><meta charset="utf-8"><title>Wi-Fi login</title></head>' +
  '<body><h1>Welcome to Airport Free Wi-Fi</h1><p>Please accept the terms to continue.</p>' +
  '<form method="post"><button>Accept and connect</button></form></body></html>';

/** Checks the request body's shape; returns a message for the 400 or the parsed body. */
export function validateBody(value: unknown): MockRequestBody | string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'the body must be a JSON object';
  const body = value as Record<string, unknown>;
  if (typeof body['sender'] !== 'string' || body['sender'] === '') return '`sender` must be a non-empty string';
  if (typeof body['source'] !== 'string' || body['source'] === '') return '`source` must be a non-empty string';
  const data = body['data'];
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return '`data` must be an object';
  const d = data as Record<string, unknown>;
  switch (d['type']) {
    case 'text':
      if (typeof d['text'] !== 'string') return '`data.text` must be a string';
      break;
    case 'payload':
      if (typeof d['payload'] !== 'string' || d['payload'] === '') return '`data.payload` must be a non-empty string';
      if (d['label'] !== undefined && typeof d['label'] !== 'string') return '`data.label` must be a string';
      break;
    case 'profile': {
      const p = d['profile'];
      if (typeof p !== 'object' || p === null || Array.isArray(p)) return '`data.profile` must be an object';
      break;
    }
    default:
      return '`data.type` must be one of text, payload, profile';
  }
  return { sender: body['sender'], source: body['source'], data };
}

export function createMockPlatform(options: MockPlatformOptions = {}): MockPlatform {
  return createPlatform(options);
}

/**
 * Internal: the platform with the reply framing replaced (msw.ts re-emits the relay's
 * canonical SSE through `encodeSSE`). Not part of the public API.
 */
export function createPlatform(options: MockPlatformOptions, encoderOverride?: FrameEncoder): MockPlatform {
  const projectToken = options.projectToken ?? 'demo-project';
  const pat = options.pat ?? 'mock-pat';
  const realtime = options.realtime ?? true;
  const framing: Framing = options.framing ?? 'sse';
  const unit: DeltaUnit = options.deltaUnit ?? 'grapheme';
  const random = seededRandom(options.seed ?? Math.floor(Math.random() * 2 ** 32));
  // Ids in the range the seed shows (1234, 1271): numbers, growing per platform.
  let lastId = 1000 + Math.floor(random() * 1000);
  const nextId = (): number => ++lastId;
  const projectId = options.projectId ?? '39';
  const history =
    options.history instanceof MockHistory
      ? options.history
      : new MockHistory({ ...(options.mediaBase ? { mediaBase: options.mediaBase } : {}), ...options.history });
  const graphqlRoute = createGraphqlRoute({ history, pat });
  const analyticsRoute = createAnalyticsRoute({
    history,
    projectId,
    pat,
    paths: options.analyticsPaths ?? DEFAULT_ANALYTICS_PATHS,
    ...(options.analyticsRateLimit ? { rateLimit: options.analyticsRateLimit } : {}),
    ...(options.analyticsFault ? { fault: options.analyticsFault } : {}),
  });

  function pickScenario(data: Record<string, unknown>): Scenario {
    if (data['type'] === 'payload') {
      const key = data['payload'] as string;
      return Object.hasOwn(scenarios.payloads, key) ? (scenarios.payloads[key] as Scenario) : scenarios.unknownPayload;
    }
    if (data['type'] === 'text') {
      const pool = looksItalian(data['text'] as string) ? scenarios.freeText.it : scenarios.freeText.en;
      return pool[Math.floor(random() * pool.length)] as Scenario;
    }
    return scenarios.profile;
  }

  async function send(request: Request, url: URL, prefix: string, token: string): Promise<Response> {
    if (request.headers.get('authorization') !== `Bearer pat-${pat}`) {
      return jsonError(401, 'unauthorized', 'Missing or invalid personal access token', {
        'www-authenticate': 'Bearer',
      });
    }
    if (safeDecode(token) !== projectToken) return jsonError(404, 'project-not-found', 'Unknown project token');
    const text = await request.text();
    if (text.length > MAX_BODY) return jsonError(413, 'body-too-large', `The body exceeds ${MAX_BODY} bytes`);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return jsonError(400, 'invalid-json', 'The body is not valid JSON');
    }
    const body = validateBody(parsed);
    if (typeof body === 'string') return jsonError(400, 'invalid-body', body);

    const fault = typeof options.fault === 'function' ? options.fault(body) : options.fault;
    const data = body.data as Record<string, unknown>;
    history.recordUser(body.sender, data);
    if (fault?.kind === 'status' || fault?.kind === 'html') history.recordError(body.sender);
    if (fault?.kind === 'status') {
      return jsonError(fault.status, `mock-status-${fault.status}`, `Mock platform fault: HTTP ${fault.status}`);
    }
    if (fault?.kind === 'html') {
      return new Response(CAPTIVE_PORTAL, { status: 200, headers: { 'content-type': 'text/html; charset=utf-8' } });
    }
    const mediaBase = options.mediaBase ?? `${url.origin}${prefix}/media`;
    const scenario = pickScenario(data);
    history.recordBot(body.sender, scenario, data['type'] === 'payload' ? (data['payload'] as string) : null, mediaBase);
    const encoder = encoderOverride ?? frameEncoder(framing);
    const stream = replyStream(interpret(scenario.steps, { mediaBase, unit, nextId }), {
      encoder,
      fault,
      realtime,
      random,
    });
    return new Response(stream, {
      status: 200,
      headers: { 'content-type': encoder.contentType, 'cache-control': 'no-cache, no-transform' },
    });
  }

  function media(request: Request, name: string): Response {
    return mediaResponse(request, name) ?? jsonError(404, 'not-found', `No media named ${name}`);
  }

  return {
    projectToken,
    pat,
    projectId,
    history,
    recordFeedback: (sender, feedback) => history.recordFeedback(sender, feedback),
    async fetch(request: Request): Promise<Response> {
      try {
        const url = new URL(request.url);
        if (GRAPHQL_ROUTE.test(url.pathname)) return await graphqlRoute(request);
        const analytics = analyticsRoute(request, url);
        if (analytics) return analytics;
        const sendMatch = SEND_ROUTE.exec(url.pathname);
        if (sendMatch) {
          if (request.method !== 'POST') return jsonError(405, 'method-not-allowed', 'Use POST', { allow: 'POST' });
          return await send(request, url, url.pathname.slice(0, sendMatch.index), sendMatch[1] as string);
        }
        const mediaMatch = MEDIA_ROUTE.exec(url.pathname);
        if (mediaMatch && (request.method === 'GET' || request.method === 'HEAD')) {
          return media(request, mediaMatch[1] as string);
        }
        return jsonError(404, 'not-found', 'No such route');
      } catch (err) {
        // A handler never throws: a bug here becomes a 500 the client can show.
        return jsonError(500, 'mock-error', err instanceof Error ? err.message : String(err));
      }
    },
  };
}

export { createBotpressMock, type BotpressMock, type BotpressMockOptions } from './botpress/index.js';
export { createChatMessagesMock, type ChatMessagesMock, type ChatMessagesMockOptions } from './chat-messages/index.js';
