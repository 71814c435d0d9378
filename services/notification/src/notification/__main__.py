from casebridge_platform.runtime import main

from notification.bootstrap import MIGRATIONS, configure

main("notification", MIGRATIONS, configure)
