// better-sqlite3 is an optional peer dependency: a relay without it gets one clear error
// naming the fix, not a stack trace from inside the module loader.
import { describe, expect, it } from 'vitest';
import { loadSqlite } from './sqlite-store.js';

describe('loadSqlite', () => {
  it('loads the installed better-sqlite3', () => {
    const Database = loadSqlite();
    const db = new Database(':memory:');
    expect(db.prepare('SELECT 1 + 1 AS two').get()).toEqual({ two: 2 });
    db.close();
  });

  it('names the install command (and the Redis alternative) when the module is missing', () => {
    const missing = () => {
      throw Object.assign(new Error("Cannot find module 'better-sqlite3'"), { code: 'MODULE_NOT_FOUND' });
    };
    expect(() => loadSqlite(missing)).toThrow(/npm install better-sqlite3.*REDIS_URL/);
  });

  it('passes any other load failure through unchanged (a broken native build must show its own error)', () => {
    const broken = new Error('invalid ELF header');
    expect(() =>
      loadSqlite(() => {
        throw broken;
      }),
    ).toThrow(broken);
  });
});
