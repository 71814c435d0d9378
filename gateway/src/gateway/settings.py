"""The gateway's settings: the platform's, plus authentication and HTTP limits."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from casebridge_platform.config import Settings
from pydantic import SecretStr


class GatewaySettings(Settings):
    """CASEBRIDGE_* environment; auth_mode 'local' verifies tokens made by `make token`."""

    http_host: str = "127.0.0.1"
    http_port: int = 8000
    auth_mode: Literal["local", "oidc"] = "local"
    token_key_file: Path | None = None          # local: the HS256 key `make token` signs with
    oidc_issuer: str | None = None               # oidc: e.g. https://sso.example.org/realms/cb
    oidc_audience: str = "casebridge"
    oidc_jwks_url: str | None = None             # default: <issuer>/protocol/openid-connect/certs
    oidc_client_id: str | None = None            # oidc: this gateway's client at the issuer
    oidc_client_secret: SecretStr | None = None  # its secret (never logged)
    tenants_file: Path | None = None             # the tenant directory; default: seed_file
    max_body_bytes: int = 64 * 1024
    max_json_depth: int = 32                     # no body of the API nests deeper than ~6
    body_idle_timeout_s: float = 10.0            # a body that pauses this long: 408
    rate_caller_per_minute: int = 3000           # /v1 requests per bearer token (0: no limit)
    rate_address_per_minute: int = 6000          # /v1 requests per client address (0: none)
    grpc_timeout_s: float = 10.0
    session_ttl_s: int = 8 * 3600               # a signed-in page session
    default_language: Literal["zh-CN", "en"] = "zh-CN"
    # evidence files: the local disk (var_dir/files) or an S3-compatible bucket
    files_store: Literal["local", "s3"] = "local"
    files_dir: Path | None = None                # local: default var_dir/files
    files_s3_endpoint: str | None = None         # e.g. https://minio.internal:9000
    files_s3_bucket: str = "casebridge-files"
    files_s3_access_key: str | None = None
    files_s3_secret_key: SecretStr | None = None
    files_s3_region: str = "us-east-1"
    files_key: SecretStr | None = None           # base64url of 32 bytes; empty: var/secrets
    max_upload_bytes: int = 110 * 1024 * 1024    # a whole upload request (tenants cap files)
    # The public filing form and API (/t/<tenant>/file, /v1/public/<tenant>/complaints)
    public_behind_proxy: bool = False            # trust X-Forwarded-For (a proxy appends it)
    public_ip_limit: int = 20                    # filings per IP address per hour
    public_phone_limit: int = 3                  # filings per phone number per day
    public_pow_bits: int = 16                    # proof of work: leading zero bits of SHA-256
    public_challenge_ttl_s: int = 600            # a challenge is good this long, and once
    public_max_body_bytes: int = 32 * 1024
