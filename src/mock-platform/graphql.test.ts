import { describe, expect, it } from 'vitest';
import { createMockPlatform } from './index.js';

/** The seed's own example queries (the platform's GraphQL page; docs/protocol.md), verbatim. */
const CONVERSATIONS = `query Conversations(
    $projectId: Int_ID!
    $order: SortType
    $cursor: String
  ) {
    conversations(
      projectId: $projectId
      env: PRODUCTION
      order: $order
      first: 50
      after: $cursor
    ) {
      edges {
        node {
          conversationId
        }
      }
      pageInfo {
        endCursor
        hasNextPage
      }
      totalCount
    }
  }`;
const MESSAGES = `query Messages(
    $conversationId: Int_ID!
    $before: String
    $last: Int
  ) {
    messages(
      conversationId: $conversationId
      env: PRODUCTION
      showFeedback: true
      last: $last
      before: $before
    ) {
      edges {
        node {
          id
          content
          sender {
            id
          }
          insertedAt
          conversationId
          feedback
          read
        }
      }
      pageInfo {
        endCursor
        hasNextPage
      }
      totalCount
    }
  }`;
const USER_ROLES = `query {
    userRoles(
      projectId: 39
      first: 100
    ) {
      edges { node { role { label } user { id email } } }
      pageInfo { endCursor hasNextPage }
      totalCount
    }
  }`;

const PAT = 'Bearer pat-mock-pat';

function gql(platform: ReturnType<typeof createMockPlatform>, query: string, variables: Record<string, unknown> = {}, auth = PAT) {
  return platform.fetch(
    new Request('http://127.0.0.1/mock-platform/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: auth },
      body: JSON.stringify({ query, variables }),
    }),
  );
}

async function send(platform: ReturnType<typeof createMockPlatform>, sender: string, data: unknown) {
  const res = await platform.fetch(
    new Request('http://127.0.0.1/mock-platform/chat/demo-project/send', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: PAT },
      body: JSON.stringify({ sender, source: 'web', data }),
    }),
  );
  await res.text();
}

describe('mock GraphQL API', () => {
  it('answers the seed conversations query with the seed shape and pages to the end', async () => {
    const platform = createMockPlatform({ realtime: false, seed: 1, history: { pastConversations: 60 } });
    const seen = new Set<string>();
    let cursor: string | null = null;
    let total = 0;
    for (let page = 0; page < 5; page++) {
      const res = await gql(platform, CONVERSATIONS, { projectId: 39, order: 'DESC', cursor });
      expect(res.status).toBe(200);
      const body = (await res.json()) as {
        data: {
          conversations: {
            edges: { node: { conversationId: string } }[];
            pageInfo: { endCursor: string | null; hasNextPage: boolean };
            totalCount: number;
          };
        };
      };
      const c = body.data.conversations;
      expect(Object.keys(c).sort()).toEqual(['edges', 'pageInfo', 'totalCount']);
      expect(Object.keys(c.pageInfo).sort()).toEqual(['endCursor', 'hasNextPage']);
      for (const e of c.edges) {
        expect(Object.keys(e)).toEqual(['node']);
        expect(e.node.conversationId).toMatch(/^\d+$/);
        seen.add(e.node.conversationId);
      }
      total = c.totalCount;
      if (!c.pageInfo.hasNextPage) break;
      cursor = c.pageInfo.endCursor;
    }
    expect(total).toBeGreaterThan(50);
    expect(seen.size).toBe(total);
  });

  it('a conversation held through the Chat API appears, with its messages newest first and its feedback', async () => {
    const platform = createMockPlatform({ realtime: false, seed: 2, history: { pastConversations: 0 } });
    const sender = 'AAAAAAAAAAAAAAAAAAAAAA.sig';
    await send(platform, sender, { type: 'payload', payload: 'init', label: 'START' });
    await send(platform, sender, { type: 'text', text: 'hello there' });
    platform.recordFeedback(sender, {
      kind: 'thumbs',
      value: 'down',
      reasons: ['wrong'],
      comment: 'nope',
      messageId: 'AAAAAAAAAAAAAAAAAAAAAA.2.0',
    });
    const list = (await (await gql(platform, CONVERSATIONS, { projectId: 39 })).json()) as {
      data: { conversations: { edges: { node: { conversationId: string } }[]; totalCount: number } };
    };
    expect(list.data.conversations.totalCount).toBe(1);
    const id = list.data.conversations.edges[0]!.node.conversationId;
    const res = await gql(platform, MESSAGES, { conversationId: id, last: 3 });
    const body = (await res.json()) as {
      data: {
        messages: { edges: { node: Record<string, unknown> }[]; pageInfo: { endCursor: string; hasNextPage: boolean }; totalCount: number };
      };
    };
    const m = body.data.messages;
    expect(m.totalCount).toBe(4);
    expect(m.pageInfo.hasNextPage).toBe(true);
    const [newest, second] = m.edges.map((e) => e.node);
    expect(Object.keys(newest!).sort()).toEqual(['content', 'conversationId', 'feedback', 'id', 'insertedAt', 'read', 'sender']);
    expect(newest!['sender']).toBeNull();
    expect(newest!['feedback']).toMatchObject({ value: 'negative', reasons: ['wrong'], comment: 'nope' });
    const content = newest!['content'] as { messages: { messages: { type: string; data: unknown }[] }[] };
    expect(content.messages[0]!.messages.length).toBeGreaterThan(0);
    expect(second!['content']).toMatchObject({ text: 'hello there', type: 'text', hidden: false });
    expect(second!['sender']).toMatchObject({ id: expect.stringMatching(/^\d+$/) });
    const older = (await (
      await gql(platform, MESSAGES, { conversationId: id, last: 3, before: m.pageInfo.endCursor })
    ).json()) as typeof body;
    expect(older.data.messages.edges).toHaveLength(1);
    expect(older.data.messages.pageInfo.hasNextPage).toBe(false);
    expect(older.data.messages.edges[0]!.node['content']).toMatchObject({ hidden: true });
  });

  it('userRoles, PAT auth, and errors[] for bad input', async () => {
    const platform = createMockPlatform({ realtime: false });
    const roles = (await (await gql(platform, USER_ROLES)).json()) as {
      data: { userRoles: { totalCount: number; edges: { node: { role: { label: string }; user: { email: string } } }[] } };
    };
    expect(roles.data.userRoles.totalCount).toBe(roles.data.userRoles.edges.length);
    expect(roles.data.userRoles.edges[0]!.node.role.label).toBe('admin');
    const noAuth = await gql(platform, USER_ROLES, {}, 'Bearer pat-wrong');
    expect(noAuth.status).toBe(401);
    expect(await noAuth.json()).toEqual({ errors: [{ message: 'unauthenticated' }] });
    const badCursor = (await (await gql(platform, CONVERSATIONS, { projectId: 39, cursor: 'nope' })).json()) as {
      errors: { message: string }[];
      data: unknown;
    };
    expect(badCursor.errors[0]!.message).toBe('Invalid cursor');
    const otherProject = (await (await gql(platform, CONVERSATIONS, { projectId: 1234 })).json()) as {
      data: { conversations: { totalCount: number } };
    };
    expect(otherProject.data.conversations.totalCount).toBeGreaterThan(0); // one workspace, whatever its id
    const malformed = (await (await gql(platform, CONVERSATIONS, { projectId: 'abc' })).json()) as { errors: { message: string }[] };
    expect(malformed.errors[0]!.message).toMatch(/numeric/);
    const invalid = (await (await gql(platform, '{ nope }')).json()) as { errors: { message: string }[] };
    expect(invalid.errors[0]!.message).toMatch(/nope/);
  });
});
