"""Which embedder a build uses, and what switching to another one costs.

A new index gets ``$KENNISBANK_EMBEDDER`` or the default (multilingual-e5-small); an
existing index keeps the embedder its manifest names until a build names another, and
then the build says beforehand how many passages that re-embeds and roughly how long.
"""

from __future__ import annotations

import os
from pathlib import Path

from kennisbank.embedders import DEFAULT_EMBEDDER, embedder_name
from kennisbank.indexing.layout import VERSION_FILES
from kennisbank.indexing.manifest import IndexUnavailable, Manifest, read_manifest, verify_files

EMBEDDER_ENV = "KENNISBANK_EMBEDDER"
# Passages per second on this project's reference machine (2 cores, ~150-token passages),
# for the cost a build announces before switching embedders (docs/benchmarks.md).
EMBED_RATE: dict[str, float] = {"multilingual-e5-small": 3.0, "use-multilingual": 60.0}


def new_index_embedder() -> str:
    """The embedder of a new index: ``$KENNISBANK_EMBEDDER``, else multilingual-e5-small.

    An existing index keeps the embedder it was built with (its manifest) unless a build
    names another: the environment variable is no silent switch.
    """
    return os.environ.get(EMBEDDER_ENV, "").strip() or DEFAULT_EMBEDDER


def switch_cost(index_dir: Path, embedder: str | None) -> str | None:
    """What building ``index_dir`` with ``embedder`` costs when its index uses another one.

    None when nothing switches. The estimate uses the measured batch rate on two cores
    (EMBED_RATE); the progress bar then shows the real ETA.
    """
    previous = usable_previous(index_dir)
    if previous is None or not embedder or embedder_name(embedder) == previous.embedder:
        return None
    name = embedder_name(embedder)
    rate = EMBED_RATE.get(name)
    estimate = f", ongeveer {_duration(previous.passages / rate)}" if rate else ""
    return (
        f"De index is gebouwd met {previous.embedder}; overstappen op {name} bouwt alles "
        f"opnieuw: {previous.passages} passages inbedden{estimate} (wat de cache al kent, "
        f"gaat sneller). De huidige index blijft tot dan in gebruik."
    )


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{max(1, round(seconds))} s"
    if seconds < 5400:
        return f"{round(seconds / 60)} min"
    return f"{seconds / 3600:.1f} uur"


def usable_previous(index_dir: Path) -> Manifest | None:
    """The current version if it is intact; a damaged one is rebuilt, not updated."""
    try:
        manifest = read_manifest(index_dir)
        folder = manifest.version_dir(index_dir)
        if not all((folder / n).is_file() for n in VERSION_FILES):
            return None
        verify_files(manifest, folder)
    except IndexUnavailable:
        return None
    return manifest
