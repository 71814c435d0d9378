from casebridge_platform.runtime import main

from intake.bootstrap import MIGRATIONS, configure

main("intake", MIGRATIONS, configure)
