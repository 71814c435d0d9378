"""Run the gateway: python -m gateway (settings from CASEBRIDGE_*)."""

import uvicorn
from casebridge_platform import heap, logs, metrics, telemetry

from gateway.app import create_app
from gateway.serving import Server
from gateway.settings import GatewaySettings

settings = GatewaySettings()
logs.setup("gateway", settings.log_level, settings.log_format)
telemetry.setup_tracing("casebridge-gateway", settings.otlp_endpoint)
metrics.serve(settings.metrics_port)
app = create_app(settings)
heap.freeze_started()   # what importing and building the app made stays out of full passes
Server(uvicorn.Config(app, host=settings.http_host, port=settings.http_port,
                      log_level=settings.log_level.lower(), access_log=False,
                      log_config=None)).run()
