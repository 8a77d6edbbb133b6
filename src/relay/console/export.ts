/**
 * JSONL and CSV exports of platform messages. CSV cells are quoted, and a cell that a
 * spreadsheet would run as a formula (starting with tab or CR, or with `= + - @` or their
 * full-width forms after any blanks) gets a leading `'`.
 */
import type { MessageNode } from './graphql-client.js';
import { decodeHTML } from 'entities';

export interface ExportRow {
  conversationId: string;
  id: string;
  insertedAt: string;
  role: 'visitor' | 'assistant';
  text: string;
  feedback: unknown;
  content: unknown;
}

// A block's edge (or a line break) separates words; an inline tag (<b>, <a>) does not.
const BLOCK_TAGS = /<\/?(?:p|div|br|li|ul|ol|h[1-6]|tr|td|th|table|blockquote|pre|hr|section|article)\b[^>]*>/gi;
const TAGS = /<[^>]*>/g;

/** Plain text of a message (bot HTML flattened; for exports only, never rendered). */
export function plainText(node: MessageNode): string {
  const c = node.content as Record<string, unknown> | null;
  if (!c || typeof c !== 'object') return '';
  if (typeof c['text'] === 'string') return c['text'];
  const out: string[] = [];
  const groups = Array.isArray(c['messages']) ? (c['messages'] as { messages?: unknown }[]) : [];
  for (const g of groups) {
    for (const m of Array.isArray(g?.messages) ? (g.messages as { type?: unknown; data?: Record<string, unknown> }[]) : []) {
      const d = m?.data ?? {};
      if (typeof d['text'] === 'string') out.push(decodeHTML(d['text'].replace(BLOCK_TAGS, ' ').replace(TAGS, '')));
      else if (typeof d['label'] === 'string') out.push(`[${String(m.type)}: ${d['label']}]`);
      else out.push(`[${typeof m?.type === 'string' ? m.type : 'unknown'}]`);
    }
  }
  return out.join(' ').replace(/\s+/g, ' ').trim();
}

export function toRows(nodes: readonly MessageNode[]): ExportRow[] {
  return nodes.map((n) => ({
    conversationId: n.conversationId,
    id: n.id,
    insertedAt: n.insertedAt,
    role: n.sender ? 'visitor' : 'assistant',
    text: plainText(n),
    feedback: n.feedback ?? null,
    content: n.content,
  }));
}

export function toJsonl(rows: readonly ExportRow[]): string {
  return rows.map((r) => JSON.stringify(r)).join('\n') + (rows.length ? '\n' : '');
}

/**
 * OWASP's CSV injection triggers. Past leading blanks too (spreadsheets may trim them on
 * import, ` =1` then runs) and in full-width form (＝ ＋ － ＠, which CJK spreadsheets read
 * as = + - @).
 */
const FORMULA = /^(?:[\t\r]|\s*[=+\-@\uFF1D\uFF0B\uFF0D\uFF20])/;

function cell(value: unknown): string {
  let s = value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  if (FORMULA.test(s)) s = `'${s}`;
  return `"${s.replace(/"/g, '""')}"`;
}

export const CSV_COLUMNS = ['conversationId', 'id', 'insertedAt', 'role', 'text', 'feedback'] as const;

export function toCsv(rows: readonly ExportRow[]): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const r of rows) lines.push(CSV_COLUMNS.map((c) => cell(r[c])).join(','));
  return lines.join('\r\n') + '\r\n';
}
