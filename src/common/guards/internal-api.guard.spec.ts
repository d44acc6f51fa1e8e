import { constantTimeEquals } from './internal-api.guard';

describe('constantTimeEquals', () => {
  it('should accept only the identical secret, whatever the lengths', () => {
    const secret = 'x'.repeat(40);
    expect(constantTimeEquals(secret, secret)).toBe(true);
    expect(constantTimeEquals('y'.repeat(40), secret)).toBe(false);
    expect(constantTimeEquals('x'.repeat(39), secret)).toBe(false);
    expect(constantTimeEquals('', secret)).toBe(false);
  });
});
