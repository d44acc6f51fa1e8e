import fc from 'fast-check';
import { fuzzParameters } from '../../../test/support/fuzz';
import { isIssuableSnowflake } from './snowflake';

describe('snowflakes Discord could have issued', () => {
  it.each(['10000000000000000', '123456789012345678', '9223372036854775807'])('should accept %s', (id) => {
    expect(isIssuableSnowflake(id)).toBe(true);
  });

  it.each([
    ['0123456789012345678', 'a leading zero'],
    ['9223372036854775808', 'above 2^63 - 1'],
    ['18446744073709551615', '20 digits'],
    ['1234567890123456', '16 digits'],
    ['12345678901234567a', 'not digits'],
  ])('should refuse %s (%s)', (id) => {
    expect(isIssuableSnowflake(id)).toBe(false);
  });

  it('should accept exactly the integers from 10^16 to 2^63 - 1 written plainly (property)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 64n }), (n) => {
        expect(isIssuableSnowflake(n.toString())).toBe(n >= 10n ** 16n && n <= 2n ** 63n - 1n);
        expect(isIssuableSnowflake(`0${n.toString()}`)).toBe(false);
      }),
      fuzzParameters('snowflake range'),
    );
  });
});
