import { MAX_JSON_DEPTH, nestsDeeperThan } from './json-body';

const nested = (levels: number, open = '[', close = ']') => `${open.repeat(levels)}${close.repeat(levels)}`;

describe('nestsDeeperThan', () => {
  it('should measure arrays and objects alike, up to the bound and past it', () => {
    expect(nestsDeeperThan(Buffer.from(nested(MAX_JSON_DEPTH)), MAX_JSON_DEPTH)).toBe(false);
    expect(nestsDeeperThan(Buffer.from(nested(MAX_JSON_DEPTH + 1)), MAX_JSON_DEPTH)).toBe(true);
    const objects = '{"a":'.repeat(33) + '1' + '}'.repeat(33);
    expect(nestsDeeperThan(Buffer.from(objects), MAX_JSON_DEPTH)).toBe(true);
  });

  it('should not count brackets inside strings, escaped quotes included', () => {
    const text = JSON.stringify({ note: `"${'['.repeat(100)}\\"{{{`, list: [[1]] });
    expect(nestsDeeperThan(Buffer.from(text), 3)).toBe(false);
  });

  it('should count siblings once, not add them up', () => {
    const wide = `[${Array.from({ length: 100 }, () => '[[1]]').join(',')}]`;
    expect(nestsDeeperThan(Buffer.from(wide), 3)).toBe(false);
  });

  it('should read a megabyte of brackets without a stack', () => {
    expect(nestsDeeperThan(Buffer.from(nested(500_000)), MAX_JSON_DEPTH)).toBe(true);
  });
});
