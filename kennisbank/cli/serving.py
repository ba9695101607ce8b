"""What ``serve`` sets up around uvicorn: the environment every worker's app reads, the
metrics folder several workers share, and the bounded HTTP protocol."""

from __future__ import annotations

import os
from pathlib import Path


def configure(
    content: Path,
    index: Path,
    *,
    host: str,
    port: int,
    workers: int,
    watch: bool,
    search_log: Path | None,
) -> Path | None:
    """Set the environment ``create_app`` reads in each worker; a metrics folder made here
    to remove when the server stops (see ``metrics_dir``)."""
    if search_log is not None:
        os.environ["KENNISBANK_SEARCH_LOG"] = str(search_log)
    made = metrics_dir(workers)
    os.environ["KENNISBANK_CONTENT"] = str(content)
    os.environ["KENNISBANK_INDEX"] = str(index)
    os.environ["KENNISBANK_WATCH"] = "true" if watch else "false"
    # QR codes, the feed and exports name the site's public address; unless one is set,
    # that is the address this server listens on (not a fixed port 8000).
    os.environ.setdefault("KENNISBANK_BASE_URL", local_base_url(host, port))
    return made


def run(host: str, port: int, workers: int, made: Path | None) -> None:
    """Run uvicorn until it stops; then remove the metrics folder ``configure`` made."""
    import uvicorn

    try:
        uvicorn.run(
            "kennisbank.webapp:create_app",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_level="info",
            proxy_headers=True,
            # bounds for slow and huge clients (KENNISBANK_HEADER_TIMEOUT and friends), named
            # as a string like the app: the CLI does not import the web app
            http="kennisbank.webapp.operations.server:BoundedHttpToolsProtocol",
        )
    finally:
        if made is not None:
            import shutil

            shutil.rmtree(made, ignore_errors=True)


def metrics_dir(workers: int) -> Path | None:
    """Prepare prometheus-client's multiprocess folder; returns a folder made here to remove.

    Several workers need one (each writes its values there, /metrics sums them). An
    operator's ``PROMETHEUS_MULTIPROC_DIR`` is used and emptied of an earlier run's files;
    otherwise ``serve --workers N`` makes a temporary one for this run.
    """
    import tempfile

    given = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if given:
        folder = Path(given)
        folder.mkdir(parents=True, exist_ok=True)
        for stale in folder.glob("*.db"):  # an earlier run's values would add to this run's
            stale.unlink(missing_ok=True)
        return None
    if workers < 2:
        return None
    made = Path(tempfile.mkdtemp(prefix="kennisbank-metrics-"))
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(made)
    return made


def local_base_url(host: str, port: int) -> str:
    """``http://host:port`` for a listening address; a wildcard host is named ``localhost``."""
    if host in ("", "0.0.0.0", "::"):  # noqa: S104 - a name for the address, not a bind
        host = "localhost"
    elif ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"
