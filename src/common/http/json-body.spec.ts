import fc from 'fast-check';
import { fuzzParameters } from '../../../test/support/fuzz';
import { duplicateKey, MAX_JSON_DEPTH, nestsDeeperThan } from './json-body';

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

describe('duplicateKey', () => {
  it('should find a key written twice in one object, wherever the object is, as JSON reads keys', () => {
    expect(duplicateKey('{"plan":"free","plan":"moddy_max"}')).toEqual(['plan']);
    expect(duplicateKey('{"plan":"free","pl\\u0061n":"moddy_max"}')).toEqual(['plan']);
    expect(duplicateKey('{"metadata":{"a":1,"b":{"c":[{"d":1,"d":2}]}}}')).toEqual(['metadata', 'b', 'c', 0, 'd']);
    expect(duplicateKey('[{"a":1},{"a":2}]')).toBeUndefined();
    expect(duplicateKey('{"a":{"k":1},"b":{"k":1}}')).toBeUndefined();
    expect(duplicateKey('{"a":"\\"a\\":1,","b":"{\\"a\\""}')).toBeUndefined();
  });

  it('should find none in any JSON.stringify output and always one once a key is repeated (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.string(), fc.jsonValue(), fc.jsonValue(), (value, key, a, b) => {
        expect(duplicateKey(JSON.stringify(value))).toBeUndefined();
        const k = JSON.stringify(key);
        const text = `{${k}:${JSON.stringify(a)},"other":${JSON.stringify(value)},${k}:${JSON.stringify(b)}}`;
        expect(duplicateKey(text)).toBeDefined();
      }),
      fuzzParameters('duplicate keys'),
    );
  });
});
