"""Events: envelope, transactional outbox and relay, idempotent pull consumers."""
