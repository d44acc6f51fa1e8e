import { controlCharacterDetails } from './validation.pipe';

describe('controlCharacterDetails', () => {
  it('should find control characters in strings and keys at any depth, with their location', () => {
    const body = { plan: 'max\0', list: ['ok', { 'k\u001f': 'v', deep: ['\u0007'] }], n: 1, nothing: null };
    expect(controlCharacterDetails(body).map((d) => d.loc)).toEqual(
      expect.arrayContaining([
        ['body', 'plan'],
        ['body', 'list', 1, 'k\u001f'],
        ['body', 'list', 1, 'deep', 0],
      ]),
    );
    expect(controlCharacterDetails(body)).toHaveLength(3);
  });

  it('should take tab, line feed and carriage return, and every printable character', () => {
    expect(controlCharacterDetails({ reason: 'a\tb\r\nc', emoji: '💳 é \u202e ok', del: '\u007f' })).toEqual([]);
  });
});
