from casebridge_platform.runtime import main

from escalation.bootstrap import MIGRATIONS, configure

main("escalation", MIGRATIONS, configure)
