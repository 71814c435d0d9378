"""Print a bearer token the locally running platform accepts: `make token TENANT=… ROLE=…`."""

from __future__ import annotations

import argparse
import json
import sys

from casebridge_platform.auth import INTERNAL_ROLES, ROLES

from gateway.auth import issue_local_token, load_or_create_key
from gateway.settings import GatewaySettings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tenant", required=True)
    parser.add_argument("--role", required=True,
                        choices=sorted(set(ROLES) - INTERNAL_ROLES))
    parser.add_argument("--user", help="a staff user id; default: the tenant's first with the role")
    args = parser.parse_args()
    settings = GatewaySettings()
    if settings.token_key_file is None or settings.seed_file is None:
        sys.exit("CASEBRIDGE_TOKEN_KEY_FILE and CASEBRIDGE_SEED_FILE must be set (make token does)")
    tenants = {t["id"]: t for t in json.loads(settings.seed_file.read_text("utf-8"))["tenants"]}
    if args.tenant not in tenants:
        sys.exit(f"unknown tenant {args.tenant!r}; known: {', '.join(sorted(tenants))}")
    staff = [s for s in tenants[args.tenant]["staff"] if args.role in s["roles"]
             and (args.user is None or s["id"] == args.user)]
    if not staff:
        sys.exit(f"no staff user with role {args.role} in {args.tenant}")
    user = staff[0]
    print(issue_local_token(load_or_create_key(settings.token_key_file), tenant_id=args.tenant,
                            user_id=user["id"], roles=user["roles"],
                            department=user["department"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
