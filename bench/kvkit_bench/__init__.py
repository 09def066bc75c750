"""kvkit_bench: the Python of bench/, one package.

The commands bench/tradeoffs/run, bench/tradeoffs/preemption,
bench/tradeoffs/profile-codec, bench/tradeoffs/store-share,
bench/attacks/run and bench/codec-ratios are thin wrappers that run the
module of the same name here (`python3 -m kvkit_bench.tradeoffs`, ...) with
bench/ on PYTHONPATH. Shared pieces: report_sections (the generated sections
of bench/README.md), processes (the servers under test and /proc readings),
workload (the load points) and render (the trade-off report and plots).
"""

import pathlib

# bench/, and the repository's root above it.
BENCH_DIR = pathlib.Path(__file__).resolve().parent.parent
ROOT = BENCH_DIR.parent
