/**
 * Result shapes of the platform GraphQL queries the console uses
 * (docs/protocol.md, "GraphQL and Analytics"): shared by the relay's client and the console app.
 */
export interface PageInfo {
  endCursor: string | null;
  hasNextPage: boolean;
}

export interface Connection<T> {
  edges: { node: T }[];
  pageInfo: PageInfo;
  totalCount: number;
}

export interface ConversationNode {
  conversationId: string;
  insertedAt?: string;
}

export interface MessageNode {
  id: string;
  content: unknown;
  /** null: the virtual assistant; else the bot user. */
  sender: { id: string } | null;
  insertedAt: string;
  conversationId: string;
  feedback: unknown;
  read?: string | null;
}
