"""Web app settings, read from ``KENNISBANK_*`` environment variables (pydantic-settings)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Every setting, with its environment variable (prefix ``KENNISBANK_``)."""

    model_config = SettingsConfigDict(env_prefix="KENNISBANK_", frozen=True)

    content: Path = Field(
        default=Path("content"), description="Content folder (KENNISBANK_CONTENT)."
    )
    index: Path = Field(default=Path("index"), description="Index folder (KENNISBANK_INDEX).")
    site_name: str = Field(
        default="Kennisbank Zo doen we dat!",
        description="Name shown in the header and the feed (KENNISBANK_SITE_NAME).",
    )
    base_url: str = Field(
        default="http://127.0.0.1:8000",
        description="Public address, for QR codes, the feed and exports (KENNISBANK_BASE_URL).",
    )
    licence: str = Field(
        default="CC BY 4.0",
        description="Licence stated in exports and the API (KENNISBANK_LICENCE).",
    )
    page_size: int = Field(
        default=10, ge=1, le=100, description="Results per search page (KENNISBANK_PAGE_SIZE)."
    )
    reload_interval: float = Field(
        default=1.0,
        ge=0,
        description="Seconds between checks for a newly built index (KENNISBANK_RELOAD_INTERVAL).",
    )
    threads: int = Field(
        default=2,
        ge=1,
        le=64,
        description="Requests one worker process works on at once (KENNISBANK_THREADS); "
        "the rest wait their turn.",
    )
    encode_threads: int = Field(
        default=1,
        ge=1,
        le=64,
        description="OpenMP threads that encode one query with multilingual-e5-small "
        "(KENNISBANK_ENCODE_THREADS). On an idle 2-core machine one thread per query was "
        "faster than two, alone and with searches at once (docs/benchmarks-e5.md).",
    )
    query_cache_size: int = Field(
        default=1024,
        ge=0,
        le=1_000_000,
        description="Query vectors kept per worker process, 1.5 KB each for e5 "
        "(KENNISBANK_QUERY_CACHE_SIZE; 0: every search encodes its query).",
    )
    watch: bool = Field(
        default=False,
        description="Rebuild the index when a content file is saved "
        "(KENNISBANK_WATCH; `kennisbank serve --watch`).",
    )
    search_log: Path | None = Field(
        default=None,
        description="Append one JSON line per search to this file (KENNISBANK_SEARCH_LOG; "
        "`kennisbank serve --search-log PATH`); off when unset. Never stores who searched.",
    )
    metrics: bool = Field(
        default=True,
        description="Serve Prometheus metrics on /metrics (KENNISBANK_METRICS).",
    )
    trusted_hosts: str = Field(
        default="",
        description="Host names this site answers to, comma-separated, '*.example.nl' for "
        "subdomains (KENNISBANK_TRUSTED_HOSTS); empty answers any host. Other hosts get a "
        "400, except on /healthz.",
    )

    # Bounds for slow and huge clients, applied by the server protocol (webapp/server.py).
    limit_concurrency: int = Field(
        default=1000,
        ge=1,
        le=1_000_000,
        description="Open connections (or requests in progress) per worker before new "
        "requests get a 503 (KENNISBANK_LIMIT_CONCURRENCY; uvicorn's limit_concurrency). "
        "Kept 64 below the process's open-file limit.",
    )
    timeout_keep_alive: int = Field(
        default=5,
        ge=1,
        le=300,
        description="Seconds an idle connection stays open between requests "
        "(KENNISBANK_TIMEOUT_KEEP_ALIVE; uvicorn's timeout_keep_alive).",
    )
    header_timeout: float = Field(
        default=10.0,
        gt=0,
        le=600,
        description="Seconds a client has to send its request line and headers, from "
        "connecting or from the first byte of its next request; then the connection is "
        "closed (KENNISBANK_HEADER_TIMEOUT; uvicorn has no such timeout of its own).",
    )
    max_header_bytes: int = Field(
        default=64 * 1024,
        ge=8 * 1024,
        le=16 * 1024 * 1024,
        description="Largest request line plus headers; a larger one gets a 431 "
        "(KENNISBANK_MAX_HEADER_BYTES; uvicorn's httptools parser has no limit).",
    )

    max_body_bytes: int = Field(
        default=64 * 1024,
        ge=1024,
        le=64 * 1024 * 1024,
        description="Largest request body; the only form posts a slug and an action, so a "
        "larger one gets a 413 (KENNISBANK_MAX_BODY_BYTES).",
    )

    def trusted_host_list(self) -> list[str]:
        return [h.strip().lower() for h in self.trusted_hosts.split(",") if h.strip()]
