/**
 * Splits a migration file into statements (prepared statements run one at a time): on `;` at
 * the end of a statement, outside quotes, `$$` bodies and comments. Comments are dropped.
 */
export function splitSql(text: string): string[] {
  const statements: string[] = [];
  let current = '';
  let i = 0;
  let quote: "'" | '"' | '$$' | undefined;
  while (i < text.length) {
    const ch = text[i]!;
    const two = text.slice(i, i + 2);
    if (quote === undefined) {
      if (two === '--') {
        const end = text.indexOf('\n', i);
        i = end === -1 ? text.length : end;
        continue;
      }
      if (two === '$$') {
        quote = '$$';
        current += two;
        i += 2;
        continue;
      }
      if (ch === "'" || ch === '"') quote = ch;
      if (ch === ';') {
        if (current.trim() !== '') statements.push(current.trim());
        current = '';
        i++;
        continue;
      }
    } else if (quote === '$$' ? two === '$$' : ch === quote) {
      current += quote === '$$' ? two : ch;
      i += quote === '$$' ? 2 : 1;
      quote = undefined;
      continue;
    }
    current += ch;
    i++;
  }
  if (current.trim() !== '') statements.push(current.trim());
  return statements;
}
