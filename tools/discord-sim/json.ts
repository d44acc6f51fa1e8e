// Request body parsing: JSON with integers beyond 2^53 kept exact (as strings, the way Discord reads snowflakes).
import { isInteger, isSafeNumber, parse } from 'lossless-json';

/** Parses JSON; unsafe integers become decimal strings, every other number a JS number. */
export function parseJsonExact(text: string): unknown {
  return parse(text, null, (value: string) => {
    if (isInteger(value) && !isSafeNumber(value)) return value.replace(/^(-?)0+(?=\d)/, '$1');
    return Number(value);
  });
}
