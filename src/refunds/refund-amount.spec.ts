import { parseRefundAmount, REFUND_MAX_UNITS } from './refund-amount';

describe('parseRefundAmount', () => {
  // 0.29, 1.1 and 4.35 are the ones float multiplication gets wrong (0.29 * 100 is 28.999…, 4.35 * 100 is 434.999…).
  it.each([
    [0.01, 1],
    [0.29, 29],
    [12.5, 1250],
    [100.1, 10010],
    [5, 500],
    [1.1, 110],
    [4.35, 435],
    [REFUND_MAX_UNITS, REFUND_MAX_UNITS * 100],
  ])('should convert %p to %p minor units exactly', (value, minor) => {
    expect(parseRefundAmount(value)).toEqual({ ok: true, minor });
  });

  it('should read 100.10 as typed (the trailing zero is not a third decimal)', () => {
    expect(parseRefundAmount(Number('100.10'))).toEqual({ ok: true, minor: 10010 });
  });

  it.each([
    [1.005, 'tooManyDecimals'],
    [0.001, 'tooManyDecimals'],
    [1e-7, 'tooManyDecimals'],
    [0, 'tooSmall'],
    [-0, 'tooSmall'],
    [-1, 'tooSmall'],
    [1e9, 'tooLarge'],
    [REFUND_MAX_UNITS + 0.01, 'tooLarge'],
    [Number.NaN, 'invalid'],
    [Number.POSITIVE_INFINITY, 'invalid'],
  ])('should refuse %p as %s', (value, problem) => {
    expect(parseRefundAmount(value)).toEqual({ ok: false, problem });
  });

  it('should follow the currency decimals', () => {
    expect(parseRefundAmount(500, 0)).toEqual({ ok: true, minor: 500 });
    expect(parseRefundAmount(1.5, 0)).toEqual({ ok: false, problem: 'tooManyDecimals' });
    expect(parseRefundAmount(1.005, 3)).toEqual({ ok: true, minor: 1005 });
  });
});
