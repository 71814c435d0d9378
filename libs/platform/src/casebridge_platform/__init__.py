"""What every casebridge service stands on: settings, telemetry, db, gRPC, messaging, auth."""
