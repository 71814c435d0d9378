from casebridge_platform.runtime import main

from case.bootstrap import MIGRATIONS, configure

main("case", MIGRATIONS, configure)
