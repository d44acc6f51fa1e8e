import { everyMemberSuite } from './support/every-member-suite';

describe('truth for every member on sqlite (issue 21)', () => everyMemberSuite('sqlite'));
