"""Run the gateway: python -m gateway (settings from CASEBRIDGE_*)."""

import uvicorn
from casebridge_platform import telemetry

from gateway.app import create_app
from gateway.settings import GatewaySettings

settings = GatewaySettings()
telemetry.setup_tracing("casebridge-gateway", settings.otlp_endpoint)
uvicorn.run(create_app(settings), host=settings.http_host, port=settings.http_port,
            log_level=settings.log_level.lower(), access_log=False)
