// Line lexer of the `.mms` language. A line is a list of tokens:
//   word  a run of [A-Za-z0-9_.:+-], or `!` followed by such a run (a negated flag);
//         names, sizes, addresses (`child:A+1M`), keys (`mthp.64K`), arch names;
//   op    `=`, `==`, `!=`, `<`, `<=`, `>`, `>=`.
// `=` is its own token, so `key=value` and `key = value` lex the same way.
// `#` ends the line; spaces, tabs and a stray `\r` separate tokens.

export interface Token {
  kind: 'word' | 'op';
  text: string;
  /** 1-based column of the first character. */
  col: number;
}

export interface LexError {
  col: number;
  message: string;
}

export interface LexedLine {
  tokens: Token[];
  /** The column just past the last token: where a missing argument would go. */
  endCol: number;
}

const isWordChar = (c: string): boolean => /[A-Za-z0-9_.:+-]/.test(c);
const isSpace = (c: string): boolean => c === ' ' || c === '\t' || c === '\r';

export function lexLine(text: string): LexedLine | LexError {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (isSpace(c)) {
      i++;
      continue;
    }
    if (c === '#') break;
    const start = i;
    if (c === '=' || c === '<' || c === '>' || (c === '!' && text[i + 1] === '=')) {
      i += text[i + 1] === '=' ? 2 : 1;
      tokens.push({ kind: 'op', text: text.slice(start, i), col: start + 1 });
      continue;
    }
    if (c === '!') {
      if (i + 1 >= text.length || !isWordChar(text[i + 1])) return { col: start + 1, message: "'!' must be followed by a flag name" };
      i++;
    } else if (!isWordChar(c)) {
      return { col: start + 1, message: `unexpected character '${String.fromCodePoint(text.codePointAt(i) ?? 0)}'` };
    }
    while (i < text.length && isWordChar(text[i])) i++;
    tokens.push({ kind: 'word', text: text.slice(start, i), col: start + 1 });
  }
  const last = tokens[tokens.length - 1];
  return { tokens, endCol: last === undefined ? 1 : last.col + last.text.length };
}

export function isLexError(r: LexedLine | LexError): r is LexError {
  return 'message' in r;
}
