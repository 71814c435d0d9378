# syntax=docker/dockerfile:1.7
# One image for every casebridge process: `python -m <intake|routing|case|escalation|notification|gateway>`.
# Built from the repository root (`make image`) so libs/ is shared, from uv.lock (--frozen), without
# the dev group. The runtime stage has no compiler, no uv, no package manager cache, runs as an
# unprivileged user and writes only under /tmp (mount an emptyDir there; the root can be read-only).

ARG PYTHON_IMAGE=docker.io/library/python:3.11.14-slim-bookworm

FROM ghcr.io/astral-sh/uv:0.13.8 AS uv

FROM ${PYTHON_IMAGE} AS build
COPY --from=uv /uv /usr/local/bin/uv
ENV UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/app/.venv
WORKDIR /src
# Dependencies first (a layer that changes only with uv.lock), then the workspace itself.
COPY pyproject.toml uv.lock ./
COPY libs/contracts/pyproject.toml libs/contracts/pyproject.toml
COPY libs/platform/pyproject.toml libs/platform/pyproject.toml
COPY services/intake/pyproject.toml services/intake/pyproject.toml
COPY services/routing/pyproject.toml services/routing/pyproject.toml
COPY services/case/pyproject.toml services/case/pyproject.toml
COPY services/escalation/pyproject.toml services/escalation/pyproject.toml
COPY services/notification/pyproject.toml services/notification/pyproject.toml
COPY gateway/pyproject.toml gateway/pyproject.toml
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev --no-install-workspace --python /usr/local/bin/python3.11
COPY libs libs
COPY services services
COPY gateway gateway
RUN --mount=type=cache,target=/root/.cache/uv \
    uv sync --frozen --no-dev --no-editable --python /usr/local/bin/python3.11

FROM ${PYTHON_IMAGE} AS runtime
LABEL org.opencontainers.image.title="casebridge" \
      org.opencontainers.image.description="casebridge services and gateway (python -m <name>)" \
      org.opencontainers.image.source="casebridge"
RUN groupadd --system --gid 10001 casebridge \
    && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent \
       --shell /usr/sbin/nologin casebridge
COPY --from=build --chown=root:root /app/.venv /app/.venv
COPY --chown=root:root deploy/seed /app/deploy/seed
ENV PATH=/app/.venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    CASEBRIDGE_VAR_DIR=/tmp/casebridge \
    CASEBRIDGE_HTTP_HOST=0.0.0.0 \
    CASEBRIDGE_LOG_FORMAT=json
WORKDIR /app
USER 10001:10001
EXPOSE 8000 50051 9464
ENTRYPOINT ["python", "-m"]
CMD ["gateway"]
