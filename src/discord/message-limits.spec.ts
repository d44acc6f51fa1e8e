import { ButtonStyle, ComponentType } from 'discord.js';
import { clip, displayText, fitMessage, isLinkButtonUrl } from './message-limits';

describe('displayText', () => {
  it('should take out controls and bidirectional overrides, keeping right-to-left text, joiners and emoji', () => {
    expect(displayText('Moddy\u202e xaM\u0000\u0007')).toBe('Moddy xaM');
    expect(displayText('\u2066שלום\u2069 👩🏽‍💻 é')).toBe('שלום 👩🏽‍💻 é');
  });

  it('should keep line breaks only where text may span lines', () => {
    expect(displayText('a\r\nb\tc')).toBe('a b c');
    expect(displayText('a\r\nb\rc', true)).toBe('a\nb\nc');
  });
});

describe('clip', () => {
  it('should cut with an ellipsis within the limit, never between the halves of an emoji', () => {
    expect(clip('abcdef', 6)).toBe('abcdef');
    expect(clip('abcdef', 4)).toBe('abc…');
    const cut = clip('ab💳cd', 4);
    expect(cut).toBe('ab…');
    expect(cut.length).toBeLessThanOrEqual(4);
  });
});

describe('isLinkButtonUrl', () => {
  it('should take well-formed https URLs of at most 512 characters only', () => {
    expect(isLinkButtonUrl('https://pay.stripe.com/invoice/acct_1/live_2/pdf')).toBe(true);
    expect(isLinkButtonUrl(`https://x.y/${'p'.repeat(500)}`)).toBe(true);
    expect(isLinkButtonUrl(`https://x.y/${'p'.repeat(501)}`)).toBe(false);
    expect(isLinkButtonUrl('http://x.y/a')).toBe(false);
    expect(isLinkButtonUrl('https://')).toBe(false);
  });
});

describe('fitMessage', () => {
  it('should clip every text of an embed to its limit and fill empty field texts', () => {
    const [embed] = fitMessage({
      embeds: [
        {
          title: 't'.repeat(300),
          description: 'd'.repeat(5000),
          fields: Array.from({ length: 30 }, () => ({ name: '', value: '\u202e' })),
          footer: { text: 'f'.repeat(3000) },
        },
      ],
    }).embeds;
    expect(embed.title).toHaveLength(256);
    expect(embed.footer.text).toHaveLength(2048);
    expect(embed.fields).toHaveLength(25);
    expect(embed.fields[0]).toEqual({ name: '\u200b', value: '\u200b' });
    const total = embed.title.length + embed.description.length + embed.footer.text.length + 50;
    expect(total).toBeLessThanOrEqual(6000);
    expect(embed.description.endsWith('…')).toBe(true);
  });

  it('should drop a link button Discord would refuse and a row left empty', () => {
    const link = (url: string) => ({
      type: ComponentType.Button as const,
      style: ButtonStyle.Link as const,
      label: 'PDF',
      url,
    });
    const message = fitMessage({
      components: [
        { type: ComponentType.ActionRow, components: [link(`https://x.y/${'p'.repeat(600)}`)] },
        { type: ComponentType.ActionRow, components: [link('https://x.y/ok'), link('https://a b')] },
      ],
    });
    expect(message.components).toEqual([{ type: ComponentType.ActionRow, components: [link('https://x.y/ok')] }]);
  });
});
