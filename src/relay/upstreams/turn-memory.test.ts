import { describe, expect, it } from 'vitest';
import { TurnMemory, botMessagesOfTurn, type Tie } from './turn-memory.js';

type M = { id: string; visitor?: boolean };
const split = (list: M[], current: string) =>
  botMessagesOfTurn(
    list,
    { id: current, at: NaN },
    (m) => m.id,
    (m) => m.visitor === true,
  ).map(({ message, carried }) => `${message.id}${carried ? ' (carried)' : ''}`);

describe('botMessagesOfTurn', () => {
  it('bot messages listed before the current visitor message are carried, those after are new', () => {
    expect(split([{ id: 'late' }, { id: 'q2', visitor: true }, { id: 'a2' }, { id: 'a3' }], 'q2')).toEqual(['late (carried)', 'a2', 'a3']);
  });

  it('another visitor message in between (another relay instance answered it): nothing is carried', () => {
    expect(split([{ id: 'a1' }, { id: 'q2', visitor: true }, { id: 'a2' }, { id: 'q3', visitor: true }, { id: 'a3' }], 'q3')).toEqual([
      'a3',
    ]);
  });

  it('a bot message that names the question it answers is placed by that, not by the list order', () => {
    const ties: Record<string, Tie> = { late: 'earlier', r2: 'current', rest: 'stopped' };
    const list = [{ id: 'q2', visitor: true }, { id: 'late' }, { id: 'r2' }, { id: 'rest' }, { id: 'plain' }];
    const out = botMessagesOfTurn(
      list,
      { id: 'q2', at: NaN },
      (m) => m.id,
      (m) => m.visitor === true,
      (m) => ties[m.id],
    ).map(({ message, carried }) => `${message.id}${carried ? ' (carried)' : ''}`);
    expect(out).toEqual(['late (carried)', 'r2', 'plain']);
  });

  it('without the current message in the list (a first answer, or a server that omits it) every bot message is new', () => {
    expect(split([{ id: 'a1' }, { id: 'x', visitor: true }, { id: 'a2' }], 'q9')).toEqual(['a1', 'a2']);
    expect(split([{ id: 'a1' }], '')).toEqual(['a1']);
  });
});

describe('TurnMemory', () => {
  it('polls from the previous visitor message and says which one is answered now', () => {
    const memory = new TurnMemory();
    const first = memory.begin('c', { id: 'q1', at: 1 });
    expect([first.after.id, first.current.id]).toEqual(['q1', 'q1']);
    first.record(['a1']);
    const second = memory.begin('c', { id: 'q2', at: 2 });
    expect([second.after.id, second.current.id, [...second.skip]]).toEqual(['q1', 'q2', ['a1']]);
  });

  it('after Stop polls from the current visitor message: nothing of the stopped answer is carried', () => {
    const memory = new TurnMemory();
    memory.begin('c', { id: 'q1', at: 1 }).record(['a1']);
    const next = memory.begin('c', { id: 'q2', at: 2 }, true);
    expect([next.after.id, next.current.id, [...next.skip]]).toEqual(['q2', 'q2', ['a1']]);
    // The answer after it carries again as usual.
    expect(memory.begin('c', { id: 'q3', at: 3 }).after.id).toBe('q2');
  });

  it('ties a bot message to a visitor message by a value equal to its id: current, earlier, or stopped', () => {
    const memory = new TurnMemory();
    memory.begin('c', { id: 'q1', at: 1 });
    memory.begin('c', { id: 'q2', at: 2 });
    const turn = memory.begin('c', { id: 'q3', at: 3 }, true); // the answer to q2 was stopped
    const none = new Set<unknown>();
    expect(turn.tieOf(['x', 'q3'], none)).toBe('current');
    expect(turn.tieOf(['q2'], none)).toBe('stopped');
    expect(turn.tieOf(['q1'], none)).toBe('earlier');
    expect(turn.tieOf(['q0'], new Set(['q0']))).toBe('earlier'); // listed, asked on another instance
    expect(turn.tieOf(['q0', 7, null, ''], none)).toBeUndefined();
    // Another conversation knows none of them.
    expect(memory.begin('d', { id: 'z1', at: 1 }).tieOf(['q1', 'q2'], none)).toBeUndefined();
  });
});
