"""Settings from the environment (CASEBRIDGE_*); nothing is read at import time."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from casebridge_platform.sealing import Sealer, identity_key

SERVICES = ("intake", "routing", "case", "escalation", "notification")


class Settings(BaseSettings):
    """One process's configuration; every field can be set as CASEBRIDGE_<NAME>."""

    model_config = SettingsConfigDict(env_prefix="CASEBRIDGE_", extra="ignore")

    database: str = Field(
        "sqlite",
        description="'sqlite' (one file per service under var_dir) or a postgresql:// URL "
        "(one schema per service in that database)",
    )
    var_dir: Path = Path("var")
    nats_url: str = "nats://127.0.0.1:4222"
    subject_prefix: str = Field("cb", pattern=r"^[a-z][a-z0-9_]*$")
    stream: str = Field("CASEBRIDGE", pattern=r"^[A-Za-z0-9_-]+$")
    stream_replicas: int = 1
    intake_addr: str = "127.0.0.1:50151"
    routing_addr: str = "127.0.0.1:50152"
    case_addr: str = "127.0.0.1:50153"
    escalation_addr: str = "127.0.0.1:50154"
    notification_addr: str = "127.0.0.1:50155"
    principal_key: SecretStr = Field(
        SecretStr(""), description="HMAC key that signs the internal principal"
    )
    identity_key: SecretStr = Field(
        SecretStr(""), description="base64url of 32 bytes sealing reporters' identities; "
        "empty: a key made once under var_dir/secrets (development only)")
    otlp_endpoint: str | None = None
    seed_file: Path | None = None
    consumer_batch: int = 256
    consumer_max_deliver: int = 8
    consumer_ack_wait_s: float = 10.0
    shutdown_grace_s: float = 5.0
    housekeeping_interval_s: float = 300.0
    timer_poll_s: float = Field(15.0, description="the sweep of timers and hand-overs for what "
                                "another replica armed; this process's own are run when due")
    # notification channels; an empty host/provider switches that channel off
    smtp_host: str = ""
    smtp_port: int = 25
    smtp_sender: str = "casebridge@localhost"
    smtp_username: str = ""
    smtp_password: SecretStr = SecretStr("")
    smtp_starttls: bool = False
    sms_provider: str = Field("", pattern=r"^(|aliyun)$")
    sms_endpoint: str = "https://dysmsapi.aliyuncs.com/"
    sms_access_key_id: str = ""
    sms_access_key_secret: SecretStr = SecretStr("")
    sms_sign_name: str = ""
    sms_template_code: str = ""
    delivery_poll_s: float = Field(15.0, description="the sweep of deliveries for what another "
                                   "replica queued; this process's own are sent at once")
    delivery_max_attempts: int = Field(16, description="attempts before a delivery is dead; "
                                       "with the backoff (≤1 h) about a day of retrying")
    delivery_lease_s: float = Field(30.0, description="a claimed delivery not finished in this "
                                    "long (the sender died) is tried again")
    portal_url: str = "http://127.0.0.1:8000/v1/portal"
    webhook_allow_private: bool = Field(False, description="let webhook endpoints be on "
                                        "loopback or private networks (development, tests)")
    federation_registry: str = Field("", description="JSON file of the trusted agencies of "
                                     "other deployments (public key, URL, kind); empty: none")
    federation_keyring: str = Field("", description="JSON file (mode 600) of this deployment's "
                                    "agencies' Ed25519 private keys, for signing transfers")
    federation_poll_s: float = Field(15.0, description="the sweep of federation messages for "
                                     "what another replica queued (this process's own are "
                                     "posted once committed, retries when due)")
    idempotency_retention_h: float = 24.0
    log_level: str = "INFO"
    log_format: str = Field("text", pattern=r"^(text|json)$",
                            description="json: one object a line with the trace id (production)")
    metrics_port: int = Field(0, description="serve Prometheus /metrics on this port; 0: off")
    stats_dir: Path | None = Field(None, description="benchmarks: write this process's SQL "
                                   "statement count to <stats_dir>/<service>.json once a "
                                   "second")

    def address(self, service: str) -> str:
        """host:port of a service's gRPC endpoint."""
        return str(getattr(self, f"{service}_addr"))

    def sealer(self) -> Sealer:
        """The sealer of reporters' identities (intake seals, the case service opens)."""
        return Sealer(identity_key(self.identity_key.get_secret_value(), self.var_dir))

    def signing_key(self) -> bytes:
        key = self.principal_key.get_secret_value()
        if len(key) < 32:
            raise RuntimeError("CASEBRIDGE_PRINCIPAL_KEY must be set (32 characters or more)")
        return key.encode()
