/**
 * The one GraphQL client of the relay: POST, variables (never string-built queries),
 * `errors[]`, HTTP failures and a timeout, each turned into a `GraphqlError` with a kind
 * the console can show. Documents are typed constants: `TypedDocument<Result, Variables>`
 * carries the result and variable types with the query text, so a call site cannot pass
 * the wrong variables or misread the result.
 */
import { withDeadline } from '../deadline.js';

export type TypedDocument<TResult, TVariables> = string & { readonly __result?: TResult; readonly __variables?: TVariables };

export type GraphqlErrorKind = 'network' | 'timeout' | 'http' | 'auth' | 'graphql' | 'invalid';

export class GraphqlError extends Error {
  override name = 'GraphqlError';
  constructor(
    readonly kind: GraphqlErrorKind,
    message: string,
    readonly status?: number,
    readonly messages: readonly string[] = [],
  ) {
    super(message);
  }
}

export interface GraphqlClientOptions {
  /** e.g. https://platform.indigo.ai/graphql */
  endpoint: string;
  /** `pat-…` (the whole header value is `Bearer <pat>`). */
  pat: string;
  fetch?: (request: Request) => Promise<Response>;
  timeoutMs?: number;
}

export interface GraphqlClient {
  request<R, V extends Record<string, unknown>>(document: TypedDocument<R, V>, variables: V): Promise<R>;
}

export function createGraphqlClient(options: GraphqlClientOptions): GraphqlClient {
  const doFetch = options.fetch ?? ((r: Request) => globalThis.fetch(r));
  const timeoutMs = options.timeoutMs ?? 15_000;
  return {
    async request(document, variables) {
      type Body = { data?: unknown; errors?: { message?: unknown }[] };
      let res: Response;
      let body: Body | null;
      try {
        // The answer and its body within the time limit.
        [res, body] = await withDeadline(timeoutMs, async (signal) => {
          const r = await doFetch(
            new Request(options.endpoint, {
              method: 'POST',
              headers: { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${options.pat}` },
              body: JSON.stringify({ query: document, variables }),
              signal,
            }),
          );
          return [r, (await r.json().catch(() => null)) as Body | null] as const;
        });
      } catch (error) {
        if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError'))
          throw new GraphqlError('timeout', `The platform did not answer within ${timeoutMs / 1000} s.`);
        throw new GraphqlError('network', 'The platform could not be reached.');
      }
      const messages = Array.isArray(body?.errors)
        ? body.errors.map((e) => (typeof e?.message === 'string' ? e.message : 'error')).slice(0, 10)
        : [];
      if (res.status === 401 || res.status === 403)
        throw new GraphqlError('auth', "The platform refused the relay's access token.", res.status, messages);
      if (!res.ok) throw new GraphqlError('http', `The platform answered HTTP ${res.status}.`, res.status, messages);
      if (!body || typeof body !== 'object')
        throw new GraphqlError('invalid', 'The platform sent something that is not GraphQL JSON.', res.status);
      if (messages.length > 0) throw new GraphqlError('graphql', messages.join('; '), res.status, messages);
      if (!body.data || typeof body.data !== 'object') throw new GraphqlError('invalid', 'The platform sent no data.', res.status);
      return body.data as never;
    },
  };
}

// --- the documents the console uses (the seed's queries, plus the ids it needs) ---

import type { Connection, ConversationNode, MessageNode } from '../../core/platform/graphql-types.js';
export type { Connection, ConversationNode, MessageNode };

type ConversationsQuery = TypedDocument<
  { conversations: Connection<ConversationNode> },
  { projectId: string; order: 'ASC' | 'DESC'; cursor: string | null; first: number }
>;
const conversationsQuery = (node: string) =>
  `query Conversations($projectId: Int_ID!, $order: SortType, $cursor: String, $first: Int) {
  conversations(projectId: $projectId, env: PRODUCTION, order: $order, first: $first, after: $cursor) {
    edges { node { ${node} } }
    pageInfo { endCursor hasNextPage }
    totalCount
  }
}` as ConversationsQuery;

/** The list with each conversation's start (`insertedAt`: not in the seed's query, see CONVERSATIONS_SEED_QUERY). */
export const CONVERSATIONS_QUERY = conversationsQuery('conversationId insertedAt');
/** The seed's own query: `conversationId` only, for a platform that has no `insertedAt` on a conversation. */
export const CONVERSATIONS_SEED_QUERY = conversationsQuery('conversationId');

export const MESSAGES_QUERY = `query Messages($conversationId: Int_ID!, $before: String, $last: Int) {
  messages(conversationId: $conversationId, env: PRODUCTION, showFeedback: true, last: $last, before: $before) {
    edges { node { id content sender { id } insertedAt conversationId feedback read } }
    pageInfo { endCursor hasNextPage }
    totalCount
  }
}` as TypedDocument<{ messages: Connection<MessageNode> }, { conversationId: string; before: string | null; last: number }>;
