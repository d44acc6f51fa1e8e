/** The smallest amount staff may type, in currency units (also declared to Discord as min_value). */
export const REFUND_MIN_UNITS = 0.01;
/** The largest amount staff may type, in currency units (declared to Discord as max_value). */
export const REFUND_MAX_UNITS = 100_000;

export type RefundAmountProblem = 'invalid' | 'tooSmall' | 'tooLarge' | 'tooManyDecimals';

export type RefundAmountParse = { ok: true; minor: number } | { ok: false; problem: RefundAmountProblem };

const DECIMAL = /^(\d+)(?:\.(\d+))?$/;

/**
 * Converts an amount typed in currency units (12.5) into integer minor units (1250), exactly.
 * The conversion reads the number's shortest decimal form (what `toString` gives, which is what the
 * admin typed) instead of multiplying floats, so 0.29 is 29 and never 28.999…; more decimals than the
 * currency has (1.005 in EUR) are refused rather than rounded, because rounding money silently is a bug.
 */
export function parseRefundAmount(value: number, fractionDigits = 2): RefundAmountParse {
  if (typeof value !== 'number' || !Number.isFinite(value)) return { ok: false, problem: 'invalid' };
  if (value <= 0) return { ok: false, problem: 'tooSmall' };
  if (value > REFUND_MAX_UNITS) return { ok: false, problem: 'tooLarge' };
  // Within (0, max], toString only uses an exponent below 1e-6, which has too many decimals anyway.
  const match = DECIMAL.exec(value.toString());
  if (!match) return { ok: false, problem: 'tooManyDecimals' };
  const [, whole, fraction = ''] = match;
  if (fraction.length > fractionDigits) return { ok: false, problem: 'tooManyDecimals' };
  const minor = Number(whole) * 10 ** fractionDigits + Number(fraction.padEnd(fractionDigits, '0') || '0');
  if (!Number.isSafeInteger(minor) || minor < 1) return { ok: false, problem: 'tooSmall' };
  return { ok: true, minor };
}
