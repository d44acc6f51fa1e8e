import { Logger } from '@nestjs/common';

// Tests assert on behaviour, not on log lines; TEST_LOGS=1 shows the service's logs while debugging.
if (!process.env.TEST_LOGS) Logger.overrideLogger(false);
