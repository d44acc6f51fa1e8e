import { describeOnPostgres } from './support/databases';
import { everyMemberSuite } from './support/every-member-suite';

describeOnPostgres('truth for every member on postgres (issue 21)', () => everyMemberSuite('postgres'));
