from casebridge_platform.runtime import main

from routing.bootstrap import MIGRATIONS, configure

main("routing", MIGRATIONS, configure)
