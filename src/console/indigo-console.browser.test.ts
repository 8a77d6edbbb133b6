// The owner console's transcript against a network the test holds: each request to the
// console's API waits until the test answers it, so answers can arrive late and out of order.
import { expect, fixture, html } from '@open-wc/testing';
import { waitUntil } from '../../test/support/wait-until.js';
import './main.js';
import type { IndigoConsole } from './indigo-console.js';
import type { Connection, ConversationNode, MessageNode } from '../core/platform/graphql-types.js';

const API = '/console-test/api';

interface Held {
  url: string;
  answered: boolean;
  answer(body: unknown): void;
}

let held: Held[] = [];
const realFetch = globalThis.fetch;

beforeEach(() => {
  held = [];
  // What the console reads of a response (status, ok, json()); answered only by the test.
  globalThis.fetch = (input: RequestInfo | URL) =>
    new Promise<Response>((resolve) => {
      const h: Held = {
        url: String(input instanceof Request ? input.url : input),
        answered: false,
        answer: (body) => {
          h.answered = true;
          resolve({ status: 200, ok: true, json: async () => body } as Response);
        },
      };
      held.push(h);
    });
});

afterEach(() => {
  globalThis.fetch = realFetch;
  document.body.replaceChildren();
});

/** The one unanswered request for `path` (under the API base). */
async function request(path: string): Promise<Held> {
  await waitUntil(() => held.some((h) => !h.answered && h.url === `${API}${path}`), `a request for ${path}`);
  return held.find((h) => !h.answered && h.url === `${API}${path}`)!;
}

/** Lets answered requests run their course (the fake answers resolve in microtasks) and render. */
async function settle(el: IndigoConsole): Promise<void> {
  await new Promise((r) => setTimeout(r, 0));
  await el.updateComplete;
}

const message = (conversationId: string, id: string): MessageNode => ({
  id,
  conversationId,
  content: { text: `text of ${id}` },
  sender: { id: 'visitor' },
  insertedAt: '2026-01-02T10:00:00',
  feedback: null,
});

/** A messages page as the relay sends it: newest first. */
function page(conversationId: string, ids: string[], older: string | null = null, totalCount = ids.length): Connection<MessageNode> {
  return {
    edges: ids.map((id) => ({ node: message(conversationId, id) })).reverse(),
    pageInfo: { endCursor: older, hasNextPage: older !== null },
    totalCount,
  };
}

const shown = (el: IndigoConsole) =>
  [...el.shadowRoot!.querySelectorAll<HTMLElement>('.transcript [data-message-id]')].map((li) => li.dataset['messageId']);
const conversationButton = (el: IndigoConsole, id: string) =>
  [...el.shadowRoot!.querySelectorAll<HTMLButtonElement>('.conv-list button')].find((b) => b.textContent.includes(`#${id}`))!;
const loadOlderButton = (el: IndigoConsole) =>
  [...el.shadowRoot!.querySelectorAll<HTMLButtonElement>('button')].find((b) => b.textContent.includes('Load older')) ?? null;

/** The console on its Conversations tab, listing conversations 101 and 102. */
async function openConsole(older: string | null = null): Promise<IndigoConsole> {
  const el = await fixture<IndigoConsole>(html`<indigo-console api=${API}></indigo-console>`);
  await waitUntil(() => held.some((h) => h.url.startsWith(`${API}/analytics?`)), 'the analytics request');
  held.find((h) => h.url.startsWith(`${API}/analytics?`))!.answer({ from: '', to: '', series: {}, errors: {} });
  el.shadowRoot!.querySelector<HTMLButtonElement>('#tab-conversations')!.click();
  const list: Connection<ConversationNode> = {
    edges: [{ node: { conversationId: '101' } }, { node: { conversationId: '102' } }],
    pageInfo: { endCursor: older, hasNextPage: older !== null },
    totalCount: 2,
  };
  (await request('/conversations')).answer(list);
  await waitUntil(() => el.shadowRoot!.querySelectorAll('.conv-list button').length === 2, 'the conversation list');
  return el;
}

describe('owner console transcript', () => {
  it('opening B while A is still loading shows B alone: A’s late page is dropped', async () => {
    const el = await openConsole();
    conversationButton(el, '101').click();
    const a = await request('/conversations/101/messages');
    conversationButton(el, '102').click();
    const b = await request('/conversations/102/messages');

    // A answers after B was opened (with an older page to offer): none of it is B's.
    a.answer(page('101', ['a1', 'a2', 'a3'], 'a-older', 30));
    await settle(el);
    expect(el.shadowRoot!.querySelector('#transcript-title')!.textContent).to.contain('#102');
    // Not A's count beside B's title while B loads.
    expect(el.shadowRoot!.querySelector('#transcript-title')!.textContent).to.contain('(loading…)');
    expect(el.shadowRoot!.querySelector('#transcript-title')!.textContent).not.to.contain('30 messages');
    expect(shown(el)).to.deep.equal([]);
    expect(loadOlderButton(el)).to.equal(null);

    b.answer(page('102', ['b1', 'b2']));
    await waitUntil(() => shown(el).length > 0, 'B’s messages');
    await settle(el);
    expect(shown(el)).to.deep.equal(['b1', 'b2']);
    expect(el.shadowRoot!.querySelector('#transcript-title')!.textContent).to.contain('(2 messages)');
    expect(loadOlderButton(el)).to.equal(null);
    // The platform's times (no zone in the seed: UTC) say which clock they are.
    expect(el.shadowRoot!.querySelector('.transcript .who')!.textContent).to.equal('Visitor · 2026-01-02 10:00:00 UTC');
  });

  it('the count of the conversation shown before is not kept beside the next one while it loads', async () => {
    const el = await openConsole();
    conversationButton(el, '101').click();
    (await request('/conversations/101/messages')).answer(page('101', ['a1', 'a2'], 'a-older', 30));
    await waitUntil(() => shown(el).length === 2, 'A’s messages');
    const title = () => el.shadowRoot!.querySelector('#transcript-title')!.textContent.replace(/\s+/g, ' ').trim();
    expect(title()).to.equal('Conversation #101 (30 messages)');
    conversationButton(el, '102').click();
    const b = await request('/conversations/102/messages');
    await settle(el);
    expect(title()).to.equal('Conversation #102 (loading…)');
    b.answer(page('102', ['b1']));
    await waitUntil(() => shown(el).length === 1, 'B’s messages');
    expect(title()).to.equal('Conversation #102 (1 message)');
  });

  it('B answering first, then A’s late page: B stays as it is', async () => {
    const el = await openConsole();
    conversationButton(el, '101').click();
    const a = await request('/conversations/101/messages');
    conversationButton(el, '102').click();
    (await request('/conversations/102/messages')).answer(page('102', ['b1', 'b2']));
    await waitUntil(() => shown(el).length === 2, 'B’s messages');

    a.answer(page('101', ['a1'], 'a-older'));
    await settle(el);
    expect(shown(el)).to.deep.equal(['b1', 'b2']);
    expect(loadOlderButton(el)).to.equal(null);
  });

  it('opening the same conversation twice quickly shows its first page once', async () => {
    const el = await openConsole();
    conversationButton(el, '101').click();
    conversationButton(el, '101').click();
    await waitUntil(() => held.filter((h) => h.url === `${API}/conversations/101/messages`).length === 2, 'two requests');
    for (const h of held.filter((x) => x.url === `${API}/conversations/101/messages`)) h.answer(page('101', ['a1', 'a2']));
    await waitUntil(() => shown(el).length > 0, 'A’s messages');
    await settle(el);
    expect(shown(el)).to.deep.equal(['a1', 'a2']);
  });

  it('"Load older" clicked twice quickly asks once and shows each message once', async () => {
    const el = await openConsole();
    conversationButton(el, '101').click();
    (await request('/conversations/101/messages')).answer(page('101', ['a3', 'a4'], 'c1', 4));
    await waitUntil(() => loadOlderButton(el), 'the Load older button');

    const button = loadOlderButton(el)!;
    button.click();
    button.click(); // before the console re-renders: a double click
    await request('/conversations/101/messages?before=c1');
    await settle(el);
    loadOlderButton(el)!.click(); // and once more after it re-rendered
    await settle(el);

    const older = held.filter((h) => h.url === `${API}/conversations/101/messages?before=c1`);
    for (const h of older) h.answer(page('101', ['a1', 'a2'], null, 4));
    await waitUntil(() => shown(el).length > 2, 'the older messages');
    await settle(el);
    expect(shown(el)).to.deep.equal(['a1', 'a2', 'a3', 'a4']);
    expect(older).to.have.length(1);
    expect(loadOlderButton(el)).to.equal(null);
  });

  it('an older page that overlaps the messages shown adds each message once', async () => {
    const el = await openConsole();
    conversationButton(el, '101').click();
    (await request('/conversations/101/messages')).answer(page('101', ['a3', 'a4'], 'c1', 4));
    await waitUntil(() => loadOlderButton(el), 'the Load older button');
    loadOlderButton(el)!.click();
    (await request('/conversations/101/messages?before=c1')).answer(page('101', ['a1', 'a2', 'a3'], null, 4));
    await waitUntil(() => shown(el).length > 2, 'the older messages');
    await settle(el);
    expect(shown(el)).to.deep.equal(['a1', 'a2', 'a3', 'a4']);
  });

  it('"Load older" says it is busy while its page loads, and keeps focus', async () => {
    const el = await openConsole();
    conversationButton(el, '101').click();
    (await request('/conversations/101/messages')).answer(page('101', ['a5', 'a6'], 'c1', 6));
    await waitUntil(() => loadOlderButton(el), 'the Load older button');
    expect(loadOlderButton(el)!.getAttribute('aria-busy')).to.equal('false');

    loadOlderButton(el)!.focus();
    loadOlderButton(el)!.click();
    const older = await request('/conversations/101/messages?before=c1');
    await el.updateComplete;
    expect(loadOlderButton(el)!.getAttribute('aria-busy')).to.equal('true');
    expect(loadOlderButton(el)!.getAttribute('aria-disabled')).to.equal('true');
    // aria-disabled, not disabled: a disabled button would drop a keyboard user's focus.
    expect(el.shadowRoot!.activeElement).to.equal(loadOlderButton(el));

    older.answer(page('101', ['a3', 'a4'], 'c2', 6));
    await waitUntil(() => shown(el).length === 4, 'the older messages');
    await el.updateComplete;
    expect(loadOlderButton(el)!.getAttribute('aria-busy')).to.equal('false');
    expect(loadOlderButton(el)!.hasAttribute('aria-disabled')).to.equal(false);
    expect(el.shadowRoot!.activeElement).to.equal(loadOlderButton(el));
  });

  it('"Load older" stays usable after another conversation is opened while a page of older messages loads', async () => {
    const el = await openConsole();
    conversationButton(el, '101').click();
    (await request('/conversations/101/messages')).answer(page('101', ['a3', 'a4'], 'c1', 4));
    await waitUntil(() => loadOlderButton(el), 'A’s Load older button');
    loadOlderButton(el)!.click();
    const aOlder = await request('/conversations/101/messages?before=c1');

    conversationButton(el, '102').click();
    (await request('/conversations/102/messages')).answer(page('102', ['b3'], 'd1', 3));
    await waitUntil(() => shown(el).length === 1, 'B’s first page');

    // B's own older page can be asked for while A's is still out.
    loadOlderButton(el)!.click();
    const bOlder = await request('/conversations/102/messages?before=d1');

    // A's older page, answering now, is not B's: dropped.
    aOlder.answer(page('101', ['a1', 'a2'], null, 4));
    await settle(el);
    expect(shown(el)).to.deep.equal(['b3']);

    bOlder.answer(page('102', ['b1', 'b2'], null, 3));
    await waitUntil(() => shown(el).length === 3, 'B’s older messages');
    expect(shown(el)).to.deep.equal(['b1', 'b2', 'b3']);
  });
});

describe('owner console conversation list', () => {
  const listButton = (el: IndigoConsole, label: string) =>
    [...el.shadowRoot!.querySelectorAll<HTMLButtonElement>('.pager button')].find((b) => b.textContent.includes(label))!;

  it('"Older" clicked twice while its page loads asks once and counts one page', async () => {
    const el = await openConsole('c1');
    const older = listButton(el, 'Older');
    older.click();
    await el.updateComplete;
    expect(older.getAttribute('aria-disabled')).to.equal('true');
    older.click();
    const next = await request('/conversations?after=c1');
    await settle(el);
    expect(held.filter((h) => h.url.startsWith(`${API}/conversations?`))).to.have.length(1);
    next.answer({ edges: [{ node: { conversationId: '100' } }], pageInfo: { endCursor: null, hasNextPage: false }, totalCount: 3 });
    await waitUntil(() => el.shadowRoot!.querySelector('.pager span')!.textContent === 'Page 2', 'page 2');
    await settle(el);
    expect(el.shadowRoot!.querySelector('.pager span')!.textContent).to.equal('Page 2');
    // The last page: nothing older (aria-disabled, so a focused button keeps its focus).
    expect([older.getAttribute('aria-disabled'), older.disabled]).to.deep.equal(['true', false]);
    // Newer goes back to the first page in one step.
    listButton(el, 'Newer').click();
    await request('/conversations');
  });
});

describe('owner console pager on a platform that repeats itself', () => {
  const older = (el: IndigoConsole) =>
    [...el.shadowRoot!.querySelectorAll<HTMLButtonElement>('.pager button')].find((b) => b.textContent.includes('Older'))!;

  it('"Older" stays off when a page says there is more but gives no cursor, or the one it came from', async () => {
    const el = await openConsole('c1');
    older(el).click();
    (await request('/conversations?after=c1')).answer({
      edges: [{ node: { conversationId: '100' } }],
      pageInfo: { endCursor: 'c1', hasNextPage: true },
      totalCount: 3,
    });
    await waitUntil(() => el.shadowRoot!.querySelector('.pager span')!.textContent === 'Page 2', 'page 2');
    await settle(el);
    expect(older(el).getAttribute('aria-disabled')).to.equal('true');
    older(el).click();
    await settle(el);
    expect(held.filter((h) => h.url.startsWith(`${API}/conversations?`))).to.have.length(1);

    const again = await openConsole('c1');
    older(again).click();
    (await request('/conversations?after=c1')).answer({
      edges: [{ node: { conversationId: '100' } }],
      pageInfo: { endCursor: null, hasNextPage: true },
      totalCount: 3,
    });
    await waitUntil(() => again.shadowRoot!.querySelector('.pager span')!.textContent === 'Page 2', 'page 2');
    await settle(again);
    expect(older(again).getAttribute('aria-disabled')).to.equal('true');
  });
});

describe('owner console transcript on a platform that repeats itself', () => {
  it('"Load older" goes when the page after gives its own cursor back or nothing new', async () => {
    const el = await openConsole();
    conversationButton(el, '101').click();
    (await request('/conversations/101/messages')).answer(page('101', ['a3', 'a4'], 'm1', 4));
    await waitUntil(() => loadOlderButton(el), 'the Load older button');
    loadOlderButton(el)!.click();
    (await request('/conversations/101/messages?before=m1')).answer(page('101', ['a1', 'a2'], 'm1', 4));
    await waitUntil(() => shown(el).length === 4, 'the older page');
    await settle(el);
    expect(loadOlderButton(el)).to.equal(null);

    conversationButton(el, '102').click();
    (await request('/conversations/102/messages')).answer(page('102', ['b3', 'b4'], 'n1', 4));
    await waitUntil(() => loadOlderButton(el), 'the Load older button');
    loadOlderButton(el)!.click();
    (await request('/conversations/102/messages?before=n1')).answer(page('102', ['b3', 'b4'], 'n2', 4));
    await settle(el);
    await settle(el);
    expect(shown(el)).to.deep.equal(['b3', 'b4']);
    expect(loadOlderButton(el)).to.equal(null);
  });
});

describe('console error states and figures (fourth review)', () => {
  /** A console whose first Analytics request is answered with `series` (and `errors`). */
  async function withAnalytics(series: Record<string, unknown[]>, errors: Record<string, unknown> = {}): Promise<IndigoConsole> {
    const el = await fixture<IndigoConsole>(html`<indigo-console api=${API}></indigo-console>`);
    await waitUntil(() => held.some((h) => h.url.startsWith(`${API}/analytics?`)), 'the analytics request');
    held.find((h) => h.url.startsWith(`${API}/analytics?`))!.answer({ from: '2026-01-01', to: '2026-01-03', series, errors });
    return el;
  }

  /** Answers requests whose URL starts with `prefix` with an error status, the rest stay held. */
  function failing(prefix: string, status = 502, message = 'The platform answered HTTP 500.') {
    const held0 = globalThis.fetch;
    globalThis.fetch = (input: RequestInfo | URL, init?: RequestInit) => {
      const url = String(input instanceof Request ? input.url : input);
      if (url.startsWith(`${API}${prefix}`))
        return Promise.resolve({ status, ok: false, json: async () => ({ error: { code: 'graphql_http', message } }) } as Response);
      return held0(input, init);
    };
    return () => (globalThis.fetch = held0);
  }

  it('a failed "Older" page leaves the pager on the page still shown', async () => {
    const el = await openConsole('c1');
    const restore = failing('/conversations?after=c1');
    [...el.shadowRoot!.querySelectorAll<HTMLButtonElement>('.pager button')].find((b) => b.textContent.includes('Older'))!.click();
    await waitUntil(() => el.shadowRoot!.querySelector('.error'), 'the error');
    await settle(el);
    restore();
    // The list still shows page 1 (101, 102): the counter must say so.
    expect(el.shadowRoot!.querySelectorAll('.conv-list button').length).to.equal(2);
    expect(el.shadowRoot!.querySelector('.pager span')!.textContent).to.equal('Page 1');
  });

  it('an error alert goes away once the same action succeeds', async () => {
    const el = await openConsole();
    const restore = failing('/conversations/101/messages');
    conversationButton(el, '101').click();
    await waitUntil(() => el.shadowRoot!.querySelector('p.error[role="alert"]'), 'the error');
    restore();
    conversationButton(el, '101').click();
    (await request('/conversations/101/messages')).answer(page('101', ['a1', 'a2']));
    await waitUntil(() => shown(el).length === 2, 'the messages');
    await settle(el);
    expect(el.shadowRoot!.querySelector('p.error[role="alert"]')).to.equal(null);
  });

  it('a KPI whose endpoint failed is not shown as 0', async () => {
    const el = await withAnalytics(
      {
        chats: [
          { date: '2026-01-01', chats: 4 },
          { date: '2026-01-02', chats: 6 },
        ],
      },
      { csat: { status: 500, message: 'Internal server error' } },
    );
    await waitUntil(() => el.shadowRoot!.querySelector('.kpis'), 'the KPIs');
    const kpi = [...el.shadowRoot!.querySelectorAll('.kpis li')].find((li) => li.textContent.includes('CSAT responses'))!;
    expect(kpi.querySelector('b')!.textContent).not.to.equal('0');
  });

  it('the CSAT chart summary gives the average over responses, not over days', async () => {
    const el = await withAnalytics({
      csat: [
        { date: '2026-01-01', total: 1, avg_score: 1 },
        { date: '2026-01-02', total: 9, avg_score: 5 },
      ],
    });
    await waitUntil(() => el.shadowRoot!.querySelector('#chart-csat svg.plot'), 'the CSAT chart');
    // 1 response of 1 and 9 of 5: (1 + 45) / 10 = 4.6, not (1 + 5) / 2 = 3.
    expect(el.shadowRoot!.querySelector('#chart-csat svg.plot')!.getAttribute('aria-label')).to.contain('average 4.60');
  });

  it('the AI quality summary is weighted by each day’s total too', async () => {
    const el = await withAnalytics({
      ai_quality: [
        { date: '2026-01-01', total: 1, avg_score: 10 },
        { date: '2026-01-02', total: 3, avg_score: 90 },
      ],
    });
    await waitUntil(() => el.shadowRoot!.querySelector('#chart-quality svg.plot'), 'the AI quality chart');
    // (10 + 270) / 4 = 70, not (10 + 90) / 2 = 50.
    expect(el.shadowRoot!.querySelector('#chart-quality svg.plot')!.getAttribute('aria-label')).to.contain('average 70');
  });
});

describe('console figures an owner can trust (audit against the seeds)', () => {
  it('a feedback value read as neither thumb says what it is, not 👎', async () => {
    const el = await openConsole();
    conversationButton(el, '101').click();
    const bot = (id: string, feedback: unknown): MessageNode => ({
      ...message('101', id),
      sender: null,
      content: { text: 'Hi' },
      feedback,
    });
    (await request('/conversations/101/messages')).answer({
      edges: [bot('m3', { value: 'meh' }), bot('m2', { value: 'negative' }), bot('m1', { value: 'POSITIVE' })].map((node) => ({ node })),
      pageInfo: { endCursor: null, hasNextPage: false },
      totalCount: 3,
    });
    await waitUntil(() => el.shadowRoot!.querySelectorAll('.feedback-badge').length === 3, 'three badges');
    const badges = [...el.shadowRoot!.querySelectorAll<HTMLElement>('.feedback-badge')];
    expect(badges.map((b) => b.dataset['feedback'])).to.deep.equal(['positive', 'negative', 'other']);
    expect(badges[2]!.textContent).to.contain('Feedback: {"value":"meh"}');
  });
});

describe('console transcript paging that stops short', () => {
  it('says how many messages it shows of the total when the platform offers no older page', async () => {
    const el = await openConsole();
    conversationButton(el, '101').click();
    (await request('/conversations/101/messages')).answer(page('101', ['m1', 'm2'], null, 5));
    await waitUntil(() => shown(el).length === 2, 'the page');
    await settle(el);
    expect(loadOlderButton(el)).to.equal(null);
    expect(el.shadowRoot!.querySelector('.paging-note')!.textContent).to.contain('Showing the newest 2 of 5');
  });

  it('says nothing when every message is shown', async () => {
    const el = await openConsole();
    conversationButton(el, '101').click();
    (await request('/conversations/101/messages')).answer(page('101', ['m1', 'm2']));
    await waitUntil(() => shown(el).length === 2, 'the page');
    await settle(el);
    expect(el.shadowRoot!.querySelector('.paging-note')).to.equal(null);
  });
});

describe('console keyboard focus at the end of paging (fourth review)', () => {
  it('"Load older" answering with the last page leaves focus in the transcript', async () => {
    const el = await openConsole();
    conversationButton(el, '101').click();
    (await request('/conversations/101/messages')).answer(page('101', ['a3', 'a4'], 'c1', 4));
    await waitUntil(() => loadOlderButton(el), 'the Load older button');
    loadOlderButton(el)!.focus();
    expect(el.shadowRoot!.activeElement).to.equal(loadOlderButton(el));
    loadOlderButton(el)!.click();
    (await request('/conversations/101/messages?before=c1')).answer(page('101', ['a1', 'a2'], null, 4));
    await waitUntil(() => shown(el).length === 4, 'the older messages');
    await settle(el);
    expect(el.shadowRoot!.activeElement, 'focus after the last page').not.to.equal(null);
  });

  it('"Older" reaching the last page of the list keeps keyboard focus', async () => {
    const el = await openConsole('c1');
    const older = [...el.shadowRoot!.querySelectorAll<HTMLButtonElement>('.pager button')].find((b) => b.textContent.includes('Older'))!;
    older.focus();
    expect(el.shadowRoot!.activeElement).to.equal(older);
    older.click();
    (await request('/conversations?after=c1')).answer({
      edges: [{ node: { conversationId: '100' } }],
      pageInfo: { endCursor: null, hasNextPage: false },
      totalCount: 3,
    });
    await waitUntil(() => el.shadowRoot!.querySelector('.pager span')!.textContent === 'Page 2', 'page 2');
    await settle(el);
    expect(el.shadowRoot!.activeElement, 'focus after the last page').not.to.equal(null);
  });
});
