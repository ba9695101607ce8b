"""Request dependencies: the current searcher and settings, as annotated types.

Both are ``async``: they never block (the searcher is already open; a newer version is
opened in the background), and FastAPI runs a plain ``def`` dependency in the thread pool,
one thread hand-off each. A search page used three (two dependencies and the route).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request

from kennisbank.search.searcher import Searcher
from kennisbank.webapp.settings import Settings


async def get_searcher(request: Request) -> Searcher:
    """The index version this request uses from start to end (503 while there is none)."""
    searcher = request.app.state.holder.current()
    if searcher is None:
        raise HTTPException(503, "De index is niet beschikbaar. Bouw die met 'kennisbank build'.")
    # The middleware names this version in a response header, so a client (or a load test)
    # can check every answer, HTML included, against the versions that were built.
    request.state.index_version = searcher.version
    return searcher  # type: ignore[no-any-return]


async def get_settings(request: Request) -> Settings:
    return request.app.state.settings  # type: ignore[no-any-return]


SearcherDep = Annotated[Searcher, Depends(get_searcher)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
