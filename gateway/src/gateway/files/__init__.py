"""Evidence files: a content-addressed store (local under var/files, or an S3-compatible
bucket), per-tenant limits and types checked from the content, optional encryption at rest,
and a streaming multipart reader. The bytes never reach the services, the events or the logs:
the case records only each file's SHA-256, size, type and name."""
