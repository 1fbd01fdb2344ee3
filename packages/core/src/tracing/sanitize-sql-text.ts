/** Which quoting rules the statement's database uses. */
export interface SqlDialect {
  /**
   * `"…"` is a string literal (MySQL and MariaDB in their default mode) rather than a
   * quoted identifier (PostgreSQL, standard SQL).
   */
  doubleQuotedStrings: boolean;
}

const IDENTIFIER_CHARACTER = /[A-Za-z0-9_$]/;
const DIGIT = /[0-9]/;

/**
 * Replaces every literal value in a SQL statement with `?`: quoted strings (including
 * PostgreSQL's `E'…'` and `$tag$…$tag$` forms), numbers and hex/bit literals. Identifiers,
 * keywords, placeholders (`$1`, `?`, `:name`) and comments are kept, so the statement
 * still says what ran (`SELECT * FROM users WHERE id = ?`) without the values a user sent.
 *
 * A single pass over the text rather than regular expressions: a quote inside a comment,
 * or a `--` inside a string, must not change where the next literal starts.
 *
 * @example
 * sanitizeSqlText("SELECT * FROM users WHERE email = 'a@example.com' AND age > 30");
 * // "SELECT * FROM users WHERE email = ? AND age > ?"
 */
export function sanitizeSqlText(sql: string, dialect: SqlDialect = { doubleQuotedStrings: false }): string {
  let output = '';
  let index = 0;
  const length = sql.length;
  while (index < length) {
    const character = sql[index] as string;
    const next = sql[index + 1];
    const previous = index > 0 ? (sql[index - 1] as string) : '';

    if (character === '-' && next === '-') {
      const end = sql.indexOf('\n', index);
      const stop = end === -1 ? length : end;
      output += sql.slice(index, stop);
      index = stop;
      continue;
    }
    if (character === '/' && next === '*') {
      const end = sql.indexOf('*/', index + 2);
      const stop = end === -1 ? length : end + 2;
      output += sql.slice(index, stop);
      index = stop;
      continue;
    }
    if (character === "'" || (character === '"' && dialect.doubleQuotedStrings)) {
      // A prefix letter (E'…', N'…', X'…', B'…') belongs to the literal.
      if (/[EeNnXxBb]/.test(previous) && !IDENTIFIER_CHARACTER.test(sql[index - 2] ?? '')) {
        output = output.slice(0, -1);
      }
      index = skipQuoted(sql, index, character);
      output += '?';
      continue;
    }
    if (character === '"' || character === '`') {
      // A quoted identifier: kept as written.
      const stop = skipQuoted(sql, index, character);
      output += sql.slice(index, stop);
      index = stop;
      continue;
    }
    if (character === '$' && !IDENTIFIER_CHARACTER.test(previous)) {
      const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(index));
      if (tag) {
        const end = sql.indexOf(tag[0], index + tag[0].length);
        index = end === -1 ? length : end + tag[0].length;
        output += '?';
        continue;
      }
      // `$1`: a placeholder, kept with its number.
      let stop = index + 1;
      while (stop < length && DIGIT.test(sql[stop] as string)) stop++;
      output += sql.slice(index, stop);
      index = stop;
      continue;
    }
    if (DIGIT.test(character) && !IDENTIFIER_CHARACTER.test(previous)) {
      index = skipNumber(sql, index);
      output += '?';
      continue;
    }
    if (character === '.' && DIGIT.test(next ?? '') && !IDENTIFIER_CHARACTER.test(previous)) {
      index = skipNumber(sql, index);
      output += '?';
      continue;
    }
    if (IDENTIFIER_CHARACTER.test(character)) {
      // A whole word at once, so digits inside names (`table2`, `t1.c2`) stay.
      let stop = index + 1;
      while (stop < length && IDENTIFIER_CHARACTER.test(sql[stop] as string)) stop++;
      output += sql.slice(index, stop);
      index = stop;
      continue;
    }
    output += character;
    index++;
  }
  return output;
}

/** The index after a quoted run starting at `start`; doubled quotes and backslashes escape. */
function skipQuoted(sql: string, start: number, quote: string): number {
  let index = start + 1;
  while (index < sql.length) {
    const character = sql[index];
    if (character === '\\' && quote !== '`') {
      index += 2;
      continue;
    }
    if (character === quote) {
      if (sql[index + 1] === quote) {
        index += 2;
        continue;
      }
      return index + 1;
    }
    index++;
  }
  return sql.length;
}

/** The index after a numeric literal: digits, a fraction, an exponent, or 0x/0b forms. */
function skipNumber(sql: string, start: number): number {
  const match = /^(0[xX][0-9A-Fa-f]+|0[bB][01]+|(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?)/.exec(sql.slice(start));
  return start + (match ? match[0].length : 1);
}
