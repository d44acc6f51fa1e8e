import fc from 'fast-check';
import { fuzzParameters } from '../../test/support/fuzz';
import { DISCORD_FAILURE_KINDS } from '../discord/discord-errors';
import { frenchSpacingProblems } from '../i18n/french-typography';
import {
  ABOVE_BOT,
  keptReason,
  MANAGED_ROLE,
  NO_MANAGE_ROLES,
  NOT_MANAGEABLE,
  refusedChangeReason,
  ROLE_NOT_FOUND,
  roleReasonText,
  STALE_REASON,
  staffPermissionsReason,
  SUPERSEDED_REASON,
  unreadableMemberReason,
} from './role-reasons';
import { roleResultLine } from '../roles/roles-sync.view';

const PERMISSIONS = ['Administrator', 'Manage Server', 'Manage Roles', 'Ban Members'];

/** Every reason the service can give, with the values that vary. */
const anyReason = fc.oneof(
  fc.constantFrom(
    SUPERSEDED_REASON,
    STALE_REASON,
    NOT_MANAGEABLE,
    ROLE_NOT_FOUND,
    NO_MANAGE_ROLES,
    MANAGED_ROLE,
    ABOVE_BOT,
  ),
  fc.subarray(PERMISSIONS, { minLength: 1 }).map(staffPermissionsReason),
  fc.constantFrom(...DISCORD_FAILURE_KINDS).map(refusedChangeReason),
  fc.constantFrom(...DISCORD_FAILURE_KINDS).map(unreadableMemberReason),
  fc
    .date({ min: new Date('2020-01-01'), max: new Date('2099-12-31'), noInvalidDate: true })
    .map((d) => keptReason(d.getTime())),
);

describe('role reasons as staff read them', () => {
  it('should say in French why Discord refused a change, with the kind of refusal', () => {
    expect(roleReasonText('fr', refusedChangeReason('missing_permissions'))).toBe(
      'Discord a refusé le changement (permissions manquantes)',
    );
    expect(roleReasonText('en-US', unreadableMemberReason('other'))).toBe(
      'Discord refused to read the member (other error)',
    );
    expect(roleResultLine('fr', { role_id: '1', outcome: 'failed', reason: ABOVE_BOT })).toBe(
      '<@&1> ⚠️ échec (rôle placé au-dessus du rôle le plus haut du bot)',
    );
  });

  it('should show a staff grant end as a Discord date', () => {
    const until = Date.parse('2027-03-04T12:00:00Z');
    expect(roleReasonText('fr', keptReason(until))).toMatch(
      /^conservé\u202f: attribution par l’équipe jusqu’au <t:\d+:D>$/,
    );
  });

  it('should keep the permission names Discord shows', () => {
    expect(roleReasonText('fr', staffPermissionsReason(['Administrator', 'Ban Members']))).toContain(
      '(Administrator, Ban Members)',
    );
  });

  it('should show a reason it does not know (from an older version) as it is', () => {
    expect(roleReasonText('fr', 'something else')).toBe('something else');
    expect(roleReasonText('fr', 'Discord refused the change (')).toBe('Discord refused the change (');
  });

  it('should translate every reason the service gives, in typographic French (property)', () => {
    fc.assert(
      fc.property(anyReason, (reason) => {
        const fr = roleReasonText('fr', reason);
        expect(fr).not.toBe(reason);
        expect(fr).not.toMatch(/Discord refused|staff grant|role (is|not|carries)|superseded|stale/);
        expect(frenchSpacingProblems(fr)).toEqual([]);
        expect(roleReasonText('en-US', reason)).not.toBe('');
      }),
      fuzzParameters('role reasons'),
    );
  });
});
