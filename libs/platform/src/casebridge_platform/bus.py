"""The NATS connection and the one JetStream stream every subject lives on."""

from __future__ import annotations

import logging

import nats
from nats.aio.client import Client
from nats.js import JetStreamContext
from nats.js.api import RetentionPolicy, StorageType, StreamConfig
from nats.js.errors import BadRequestError

log = logging.getLogger(__name__)

MIN_NATS = (2, 10)  # consumers filter on several subjects (ConsumerConfig.filter_subjects)


async def connect(url: str, name: str) -> Client:
    """Connect, reconnecting forever: a NATS restart must not stop a service. `url` may list
    several servers of a cluster, comma-separated; the client also learns the others from
    the one it reaches."""
    servers = [u.strip() for u in url.split(",") if u.strip()]
    nc = await nats.connect(servers, name=name, max_reconnect_attempts=-1,
                            reconnect_time_wait=0.5, allow_reconnect=True)
    version = nc.connected_server_version
    if (version.major, version.minor) < MIN_NATS:
        await nc.close()
        raise RuntimeError(f"nats-server at {url} is {version}; casebridge needs 2.10 or newer")
    return nc


def stream_config(name: str, prefix: str, replicas: int = 1) -> StreamConfig:
    return StreamConfig(
        name=name,
        subjects=[f"{prefix}.>"],
        retention=RetentionPolicy.LIMITS,
        storage=StorageType.FILE,
        num_replicas=replicas,
        duplicate_window=120.0,
        max_age=14 * 24 * 3600.0,
    )


async def ensure_stream(js: JetStreamContext, name: str, prefix: str, replicas: int = 1) -> None:
    """Create the stream, or bring an existing one to this configuration."""
    config = stream_config(name, prefix, replicas)
    try:
        await js.add_stream(config)
    except BadRequestError:
        await js.update_stream(config)
