"""The page parser's round trip: generated page dumps (testkit/layouts.py) parsed back and compared
with what was rendered.

Usage::

    python -m benchmarks.roundtrip [--pages 2000] [--show 5]

Prints the share of articles read back wholly right, and part by part (boundaries, headlines,
kicker and subheadline, paragraphs, bylines, leaked bylines), then a few of the misses.
"""

from __future__ import annotations

import argparse
import json
import time

from testkit.layouts import round_trip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--show", type=int, default=5, help="misses to print")
    args = parser.parse_args()
    started = time.perf_counter()
    result = round_trip(range(args.pages))
    print(json.dumps({
        "pages": result.pages, "articles": result.articles, "wholly_right": result.share(result.whole),
        "pages_with_right_boundaries": round(result.boundaries / result.pages, 4),
        "headlines_exact": result.share(result.headlines), "kicker_and_subheadline_exact": result.share(result.titles),
        "paragraphs_exact": result.share(result.paragraphs), "bylines_exact": result.share(result.bylines),
        "articles_with_a_leaked_byline": result.leaked, "seconds": round(time.perf_counter() - started, 1),
    }, ensure_ascii=False))
    for seed, expected, got in result.misses[:args.show]:
        print(json.dumps({"seed": seed, "expected": expected.headline, "parsed": getattr(got, "headline", None),
                          "paragraphs": [len(expected.paragraphs), len(getattr(got, "paragraphs", ()))]},
                         ensure_ascii=False))


if __name__ == "__main__":
    main()
