/**
 * The mock's GraphQL endpoint (`POST …/graphql`): the seed's queries
 * (docs/protocol.md, "GraphQL and Analytics") on a real schema, executed with the `graphql`
 * package over the mock's history. Relay-style connections exactly as the seed shows them:
 * `edges { node }`, `pageInfo { endCursor hasNextPage }`, `totalCount`; messages newest
 * first, paged with `before` (or `after`) walking towards older ones.
 */
import { buildSchema, graphql, GraphQLError } from 'graphql';
import type { MockConversation, MockHistory, MockMessage } from './history.js';

export const MOCK_SCHEMA_SDL = /* GraphQL */ `
  "Numeric ids, served as strings; an Int or a String is accepted."
  scalar Int_ID
  "Free-form JSON (message content, feedback)."
  scalar JSON

  enum SortType {
    ASC
    DESC
  }
  enum Env {
    PRODUCTION
    DEVELOPMENT
  }

  type PageInfo {
    endCursor: String
    hasNextPage: Boolean!
    startCursor: String
    hasPreviousPage: Boolean!
  }

  type BotUser {
    id: Int_ID!
  }

  type Conversation {
    conversationId: Int_ID!
    insertedAt: String!
    user: BotUser!
    messagesCount: Int!
  }
  type ConversationEdge {
    node: Conversation!
    cursor: String!
  }
  type ConversationConnection {
    edges: [ConversationEdge!]!
    pageInfo: PageInfo!
    totalCount: Int!
  }

  type Message {
    id: Int_ID!
    content: JSON
    "null for the virtual assistant, else the bot user."
    sender: BotUser
    insertedAt: String!
    conversationId: Int_ID!
    "null unless showFeedback is true and the visitor gave some."
    feedback: JSON
    read: String
  }
  type MessageEdge {
    node: Message!
    cursor: String!
  }
  type MessageConnection {
    edges: [MessageEdge!]!
    pageInfo: PageInfo!
    totalCount: Int!
  }

  type Role {
    label: String!
  }
  type User {
    id: Int_ID!
    email: String!
  }
  type UserRole {
    role: Role!
    user: User!
  }
  type UserRoleEdge {
    node: UserRole!
    cursor: String!
  }
  type UserRoleConnection {
    edges: [UserRoleEdge!]!
    pageInfo: PageInfo!
    totalCount: Int!
  }

  type RootQueryType {
    conversations(
      projectId: Int_ID!
      env: Env
      order: SortType
      first: Int
      after: String
      last: Int
      before: String
    ): ConversationConnection
    messages(
      conversationId: Int_ID!
      env: Env
      showFeedback: Boolean
      first: Int
      after: String
      last: Int
      before: String
    ): MessageConnection
    userRoles(projectId: Int_ID!, first: Int, after: String): UserRoleConnection
  }
  schema {
    query: RootQueryType
  }
`;

const schema = buildSchema(MOCK_SCHEMA_SDL);
/** The seed's Conversation: `conversationId` and nothing to date it by (GraphqlOptions.conversationDates). */
let undatedSchema: ReturnType<typeof buildSchema> | undefined;
export const MAX_PAGE = 100;

const encodeCursor = (kind: string, id: string) => btoa(`${kind}:${id}`);
function decodeCursor(kind: string, cursor: string): string {
  let text: string;
  try {
    text = atob(cursor);
  } catch {
    throw new GraphQLError('Invalid cursor');
  }
  if (!text.startsWith(`${kind}:`)) throw new GraphQLError('Invalid cursor');
  return text.slice(kind.length + 1);
}

interface PageArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
}

/** One page of `items` (already in output order), walking forward from the cursor. */
function connection<T>(items: readonly T[], args: PageArgs, kind: string, idOf: (x: T) => string, defaultSize = 50) {
  const size = args.first ?? args.last ?? defaultSize;
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE) throw new GraphQLError(`first/last must be between 1 and ${MAX_PAGE}`);
  const cursor = args.after ?? args.before ?? null;
  let start = 0;
  if (cursor !== null) {
    const id = decodeCursor(kind, cursor);
    const at = items.findIndex((x) => idOf(x) === id);
    if (at === -1) throw new GraphQLError('Invalid cursor');
    start = at + 1;
  }
  const page = items.slice(start, start + size);
  const edges = page.map((node) => ({ node, cursor: encodeCursor(kind, idOf(node)) }));
  return {
    edges,
    pageInfo: {
      endCursor: edges.at(-1)?.cursor ?? null,
      startCursor: edges[0]?.cursor ?? null,
      hasNextPage: start + size < items.length,
      hasPreviousPage: start > 0,
    },
    totalCount: items.length,
  };
}

const USERS = [
  { role: { label: 'admin' }, user: { id: '1734638990', email: 'owner@example.com' } },
  { role: { label: 'editor' }, user: { id: '1734638991', email: 'editor@example.com' } },
  { role: { label: 'viewer' }, user: { id: '1734638992', email: 'analyst@example.com' } },
];

export interface GraphqlOptions {
  history: MockHistory;
  pat: string;
  /**
   * Default true: a Conversation has `insertedAt`. false: only what the seed's query shows
   * (`conversationId`), so a query asking for `insertedAt` fails validation, as it would on
   * a platform without that field.
   */
  conversationDates?: boolean;
}

/**
 * The mock has one workspace. The GraphQL page documents no error for another `projectId`,
 * so any well-formed id reads it (clients written against the page, with their own ids,
 * work offline); only a malformed one is refused. (The Analytics API does document a 403,
 * and the mock's Analytics endpoints give it.)
 */
function checkProject(projectId: unknown): void {
  if (!/^[0-9]{1,20}$/.test(String(projectId))) throw new GraphQLError('projectId must be a numeric id');
}

function conversationNode(c: MockConversation) {
  return {
    conversationId: c.conversationId,
    insertedAt: new Date(c.startedAt).toISOString().slice(0, 19),
    user: { id: c.userId },
    messagesCount: c.messages.length,
  };
}

function messageNode(m: MockMessage, showFeedback: boolean) {
  return {
    id: m.id,
    content: m.content,
    sender: m.sender,
    insertedAt: m.insertedAt,
    conversationId: m.conversationId,
    feedback: showFeedback ? m.feedback : null,
    read: m.read,
  };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json; charset=utf-8', ...headers } });

export function createGraphqlRoute(options: GraphqlOptions): (request: Request) => Promise<Response> {
  const { history } = options;
  const rootValue = {
    conversations(args: PageArgs & { projectId: unknown; env?: string | null; order?: 'ASC' | 'DESC' | null }) {
      checkProject(args.projectId);
      const list = (args.env ?? 'PRODUCTION') === 'PRODUCTION' ? [...history.conversations] : [];
      list.sort((a, b) => (args.order === 'ASC' ? a.startedAt - b.startedAt : b.startedAt - a.startedAt));
      const page = connection(list, args, 'conversation', (c) => c.conversationId);
      return { ...page, edges: page.edges.map((e) => ({ ...e, node: conversationNode(e.node) })) };
    },
    messages(args: PageArgs & { conversationId: unknown; env?: string | null; showFeedback?: boolean | null }) {
      const c = history.conversation(String(args.conversationId));
      if (!c || (args.env ?? 'PRODUCTION') !== 'PRODUCTION') throw new GraphQLError('Conversation not found');
      const newestFirst = [...c.messages].reverse();
      const page = connection(newestFirst, args, 'message', (m) => m.id);
      return { ...page, edges: page.edges.map((e) => ({ ...e, node: messageNode(e.node, args.showFeedback === true) })) };
    },
    userRoles(args: PageArgs & { projectId: unknown }) {
      checkProject(args.projectId);
      return connection(USERS, args, 'user', (u) => u.user.id, 100);
    },
  };

  return async (request) => {
    if (request.method !== 'POST') return json(405, { errors: [{ message: 'Use POST' }] }, { allow: 'POST' });
    if (request.headers.get('authorization') !== `Bearer pat-${options.pat}`)
      return json(401, { errors: [{ message: 'unauthenticated' }] }, { 'www-authenticate': 'Bearer' });
    let body: { query?: unknown; variables?: unknown; operationName?: unknown };
    try {
      body = (await request.json()) as typeof body;
    } catch {
      return json(400, { errors: [{ message: 'The body is not valid JSON' }] });
    }
    if (!body || typeof body.query !== 'string') return json(400, { errors: [{ message: 'Missing query' }] });
    const variables = body.variables && typeof body.variables === 'object' ? (body.variables as Record<string, unknown>) : undefined;
    const result = await graphql({
      schema:
        options.conversationDates === false
          ? (undatedSchema ??= buildSchema(
              MOCK_SCHEMA_SDL.replace(/(type Conversation \{\n\s*conversationId: Int_ID!\n)\s*insertedAt: String!\n/, '$1'),
            ))
          : schema,
      source: body.query,
      rootValue,
      variableValues: variables ?? null,
      operationName: typeof body.operationName === 'string' ? body.operationName : null,
    });
    return json(200, result);
  };
}
