import { describe, expect, it } from 'vitest';
import { redisCommandWithKey, redisFullCommand } from '../../src/tracing/redis-statement.ts';
import { sanitizeSqlText } from '../../src/tracing/sanitize-sql-text.ts';

describe('sanitizeSqlText', () => {
  it.each([
    ['SELECT * FROM users WHERE id = 7', 'SELECT * FROM users WHERE id = ?'],
    ["SELECT * FROM users WHERE email = 'a@example.com'", 'SELECT * FROM users WHERE email = ?'],
    ["SELECT * FROM users WHERE id = $1 AND name = 'x'", 'SELECT * FROM users WHERE id = $1 AND name = ?'],
    ["INSERT INTO t2 (c1, c2) VALUES (-1.5e3, 'it''s')", 'INSERT INTO t2 (c1, c2) VALUES (-?, ?)'],
    ["SELECT E'a\\'b', X'ff', 0x1F, .5", 'SELECT ?, ?, ?, ?'],
    ['SELECT $$secret body$$, $tag$more$tag$', 'SELECT ?, ?'],
    ['SELECT "Column1" FROM "Table" WHERE a = 1', 'SELECT "Column1" FROM "Table" WHERE a = ?'],
    [
      "SELECT 1 -- it's 2\nFROM t /* 'x' 3 */ WHERE b = 'y'",
      "SELECT ? -- it's 2\nFROM t /* 'x' 3 */ WHERE b = ?",
    ],
    ['SELECT t1.c2 FROM `tab3` WHERE x IN (1, 2, 3)', 'SELECT t1.c2 FROM `tab3` WHERE x IN (?, ?, ?)'],
    ['SELECT * FROM t WHERE a = ? AND b = :name', 'SELECT * FROM t WHERE a = ? AND b = :name'],
  ])('%s', (sql, expected) => {
    expect(sanitizeSqlText(sql)).toBe(expected);
  });

  it('treats double quotes as strings for MySQL and as identifiers for PostgreSQL', () => {
    const sql = 'SELECT * FROM orders WHERE email = "bob@example.com"';
    expect(sanitizeSqlText(sql, { doubleQuotedStrings: true })).toBe('SELECT * FROM orders WHERE email = ?');
    expect(sanitizeSqlText(sql)).toBe(sql);
  });

  it('never lets an unterminated literal through', () => {
    expect(sanitizeSqlText("SELECT 'unterminated secret")).toBe('SELECT ?');
  });
});

describe('Redis statements', () => {
  it('keep the command and key, never a value', () => {
    expect(redisCommandWithKey('set', ['user:1', 'private'])).toBe('set user:1');
    expect(redisCommandWithKey('HSET', ['h', 'field', 'private'])).toBe('HSET h');
    expect(redisCommandWithKey('get', [Buffer.from('k')])).toBe('get k');
    expect(redisCommandWithKey('del', [['a', 'b']])).toBe('del a');
    expect(redisCommandWithKey('ping', [])).toBe('ping');
  });

  it('keep only the command when the first argument is a password, script or message', () => {
    expect(redisCommandWithKey('auth', ['user', 'password'])).toBe('auth');
    expect(redisCommandWithKey('HELLO', ['3', 'AUTH', 'user', 'password'])).toBe('HELLO');
    expect(redisCommandWithKey('EVAL', ['return redis.call("get", KEYS[1])', '1', 'k'])).toBe('EVAL');
    expect(redisCommandWithKey('echo', ['private'])).toBe('echo');
  });

  it('records every argument when statements are full', () => {
    expect(redisFullCommand('set', ['k', 'v', Buffer.from('abc')])).toBe('set k v [3 bytes]');
  });
});
