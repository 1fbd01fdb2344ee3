"""The guide's FastAPI app: the Python service behind the Node.js API, instrumented with
Sentry's Python SDK exactly as the integration guide shows.

It continues the Node service's trace from the `sentry-trace` and `baggage` headers that
tracewire sends: its transactions and errors get the Node request's trace ID, the Node
client span as parent, and the Node service's sampling context.

    SENTRY_DSN=... SENTRY_ENVIRONMENT=development SENTRY_TRACE_SAMPLE_RATE=1.0 PORT=8000 \
        python3 main.py

Configuration comes from the environment only: SENTRY_DSN (empty: Sentry off),
SENTRY_ENVIRONMENT (default production), SENTRY_TRACE_SAMPLE_RATE (default 1.0) and PORT
(default 8000; 0 picks a free port). Run this way it listens on 127.0.0.1 only; a
deployment serves it with uvicorn's own command line (`uvicorn main:app`) instead.
"""

import json
import os
import socket

import sentry_sdk
import uvicorn
from fastapi import FastAPI, HTTPException
from sentry_sdk.integrations.fastapi import FastApiIntegration

SENTRY_DSN = os.environ.get("SENTRY_DSN", "")
SENTRY_ENVIRONMENT = os.environ.get("SENTRY_ENVIRONMENT", "production")
SENTRY_TRACE_SAMPLE_RATE = os.environ.get("SENTRY_TRACE_SAMPLE_RATE", "1.0")

sentry_sdk.init(
    dsn=SENTRY_DSN,
    environment=SENTRY_ENVIRONMENT,
    traces_sample_rate=float(SENTRY_TRACE_SAMPLE_RATE),
    integrations=[FastApiIntegration()],
    attach_stacktrace=True,
)

app = FastAPI(title="fastapi-app")

ITEMS = {
    1: {"id": 1, "name": "Espresso beans, 1 kg", "origin": "Huila, Colombia"},
    2: {"id": 2, "name": "Burr grinder", "origin": "Solingen, Germany"},
    5: {"id": 5, "name": "Pour-over kettle", "origin": "Tsubame, Japan"},
}


@app.get("/health")
def health():
    return {"status": "ok"}


@app.get("/items/{item_id}")
def read_item(item_id: int):
    item = ITEMS.get(item_id)
    if item is None:
        raise HTTPException(status_code=404, detail="item not found")
    return item


@app.get("/error")
def trigger_error():
    # The guide's test-error route: an unhandled error that Sentry reports.
    raise ZeroDivisionError("Test error from fastapi-app")


def log(message, **fields):
    """One JSON line on stdout, like the Node services' lines."""
    print(json.dumps({"service": "fastapi-app", "msg": message, **fields}), flush=True)


def main():
    # Bound here rather than by uvicorn, so that PORT=0 can say which port it got.
    sock = socket.socket(socket.AF_INET)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", int(os.environ.get("PORT", "8000"))))
    config = uvicorn.Config(app, log_level="warning", access_log=False)
    server = uvicorn.Server(config)
    log("listening", port=sock.getsockname()[1])
    server.run(sockets=[sock])
    # Sentry's atexit integration sends what is still queued when the process ends.


if __name__ == "__main__":
    main()
