"""Markdown tables from `bench/load_test.py --out` files, for docs/benchmarks.md.

python bench/load_report.py bench/out/load-plain.json bench/out/load-rebuild.json
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any


def mb(kb: int | None) -> str:
    return "–" if kb is None else f"{kb / 1024:.0f}"


def table(rows: list[dict[str, Any]]) -> str:
    rebuild = any("rebuilds" in row for row in rows)
    head = [
        "workers",
        "connections",
        "load (s)",
        "requests/s",
        "1-connection baseline req/s",
        "ratio",
        "p50 (ms)",
        "p99 (ms)",
        "non-2xx",
        "socket errors",
        "RSS before / during (median, max) / after (MB)",
    ]
    if rebuild:
        head += ["versions answered", "unknown versions", "builds (s)"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in rows:
        cells = [
            row["workers"],
            row["connections"],
            row["seconds"],
            row["requests_per_s"],
            row["baseline_1_connection"]["requests_per_s"],
            f"{row['throughput_vs_baseline']:.2f}×",
            f"{row['p50_ms']:.0f}",
            f"{row['p99_ms']:.0f}",
            row["non_2xx"],
            row["socket_errors"],
            f"{mb(row['rss_before_kb'])} / {mb(row['rss_during_median_kb'])}, "
            f"{mb(row['rss_during_max_kb'])} / {mb(row['rss_after_kb'])}",
        ]
        if rebuild:
            built = row["versions_built"]
            served = row["versions_served"]
            seconds = [entry.rsplit(" in ", 1)[1].removesuffix(" s") for entry in row["rebuilds"]]
            cells += [
                f"{len(served)} of {len(built)} (last: {'yes' if built[-1] in served else 'no'})",
                len(row["unknown_versions"]),
                ", ".join(seconds),
            ]
        lines.append("| " + " | ".join(str(cell) for cell in cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("results", type=Path, nargs="+")
    for path in parser.parse_args().results:
        print(f"{path}:\n\n{table(json.loads(path.read_text(encoding='utf-8')))}\n")


if __name__ == "__main__":
    main()
