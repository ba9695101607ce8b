"""``serve --watch`` never stops rebuilding (issue 21, item 3).

The real watcher thread (watchfiles on the content folder) of a real app: a save that
makes a build fail with an OSError is shown on the page like a validation error, and the
next good save is still picked up. Before the fix the first failure killed the thread.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from conftest import wait_for
from fastapi.testclient import TestClient

from kennisbank.indexing.builder import build_index
from kennisbank.webapp import Settings, create_app
from kennisbank.webapp.operations.watch import rebuild

from .helpers import make_client, soup

CASE = "vroeg-eropaf-huurachterstand"


def title_of(client: TestClient) -> str:
    return str(soup(client.get(f"/voorbeelden/{CASE}")).h1.get_text(strip=True))


def notice_of(client: TestClient) -> str:
    notice = soup(client.get("/")).select_one("section.notice-error")
    return notice.get_text(" ", strip=True) if notice is not None else ""


def retitle(content: Path, title: str) -> None:
    path = content / "cases" / f"{CASE}.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"(?m)^title: .*$", f'title: "{title}"', text, count=1), "utf-8")


def test_the_watcher_survives_an_unreadable_save_and_picks_up_the_next(
    content_copy: Path, tmp_path: Path
) -> None:
    index = tmp_path / "index"
    build_index(content_copy, index)
    settings = Settings(content=content_copy, index=index, reload_interval=0, watch=True)
    app = create_app(settings)
    client = make_client(app)
    try:
        taxonomy = content_copy / "taxonomy.yml"
        saved = tmp_path / "taxonomy.yml"
        shutil.move(taxonomy, saved)
        taxonomy.mkdir()  # reading it raises IsADirectoryError, an OSError
        wait_for(lambda: "taxonomy.yml" in notice_of(client))
        assert "geen gewoon bestand" in notice_of(client)
        assert str(tmp_path) not in notice_of(client)  # no server paths on a public page

        taxonomy.rmdir()
        shutil.move(saved, taxonomy)
        retitle(content_copy, "Na de fout nog steeds bijgewerkt")
        wait_for(lambda: title_of(client) == "Na de fout nog steeds bijgewerkt", seconds=60)
        assert notice_of(client) == ""
    finally:
        app.state.stop_watch.set()


def test_a_rebuild_that_fails_outside_the_content_is_shown_not_raised(
    content_copy: Path, tmp_path: Path
) -> None:
    index = tmp_path / "index"
    build_index(content_copy, index)
    settings = Settings(content=content_copy, index=index, reload_interval=0)
    app = create_app(settings)
    client = make_client(app)
    version = client.get("/healthz").json()["index"]
    broken = Settings(content=content_copy, index=tmp_path / "bestand" / "index")
    (tmp_path / "bestand").write_text("geen map", encoding="utf-8")  # the lock cannot be made
    rebuild(app.state.holder, broken)  # before the fix: NotADirectoryError out of the thread
    assert [p.code for p in app.state.holder.problems] == ["build-failed"]
    assert "build mislukt" in notice_of(client)
    assert str(tmp_path) not in notice_of(client)
    assert client.get("/healthz").json()["index"] == version

    rebuild(app.state.holder, settings)
    assert app.state.holder.problems == []
