/**
 * French sets `:`, `;`, `!`, `?` and `»` off with a space before them (and `«` with one after). That space
 * must be a no-break one (U+202F, or U+00A0), or Discord may wrap the mark onto a line of its own.
 */
const NO_BREAK = /[\u00a0\u202f]/;
/** Marks that always take a space before them. `:` is one only as punctuation: followed by a space or the end. */
const MARK = /[;!?»]|:(?=\s|$)/gu;

/**
 * What reads as text in a message: URLs, inline code, Discord tags (`<t:..>`, `<@..>`) and custom emoji are
 * taken out, since their colons and question marks are not punctuation.
 */
function proseOf(text: string): string {
  return text
    .replace(/`[^`]*`/g, '⟨code⟩')
    .replace(/<[^<>\s]*>/g, '⟨tag⟩')
    .replace(/https?:\/\/[^\s)>\]]+/g, '⟨url⟩')
    .replace(/:\w+:/g, '⟨emoji⟩');
}

/** A few characters either side of `index`, to say where a problem is. */
function around(text: string, index: number): string {
  return text.slice(Math.max(0, index - 15), index + 8);
}

/**
 * Each breach of the rule above in a French text: a plain (breaking) space before a mark or after `«`, or no
 * space at all where French wants one (`mot:` followed by text, `mot!`). Empty when the text is right.
 */
export function frenchSpacingProblems(text: string): string[] {
  const prose = proseOf(text);
  const problems: string[] = [];
  for (const match of prose.matchAll(MARK)) {
    const at = match.index;
    const before = prose[at - 1];
    // A mark right after another ("?!") or at the start of the text has nothing to keep it with.
    if (before === undefined || /[;:!?]/.test(before) || NO_BREAK.test(before)) continue;
    problems.push(
      /\s/.test(before)
        ? `plain space before "${match[0]}" in "${around(prose, at)}"`
        : `no space before "${match[0]}" in "${around(prose, at)}"`,
    );
  }
  for (const match of prose.matchAll(/«/g)) {
    const after = prose[match.index + 1];
    if (after !== undefined && !NO_BREAK.test(after))
      problems.push(`no no-break space after "«" in "${around(prose, match.index + 1)}"`);
  }
  return problems;
}
