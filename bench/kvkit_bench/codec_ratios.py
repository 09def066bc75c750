"""Runs codec_bench and rewrites the 'codec-ratios' section of bench/README.md.

It compares the frame codec with its baselines and prints the same table.

Targets (per message for small frames, per byte for large ones):
  - small frames decode and encode at no more than 1.10x the time of bare
    protobuf (ParseFromArray, SerializeToArray), on both decode paths:
    next() into a kv::Message and next_view() into a kv::MessageView;
  - large frames decode on the view path (next_view, no copy of the value)
    at no less than half of memcpy throughput.
Each benchmark is repeated and its median is used, since the machine may be
busy. Rows without a target are for information; among them the large
decode into a kv::Message, which protobuf copies and checks byte by byte.
"""

import argparse
import datetime
import json
import os
import pathlib
import subprocess
import sys

from . import ROOT, report_sections

DEFAULT_BINARY = ROOT / "build" / "bench" / "bench" / "codec_bench"

# (comparison, codec benchmark, baseline benchmark, how to compare, target)
# "time" compares the cost of one message: codec time / baseline time, and
# the target is a ceiling. "speed" compares bytes per second: codec /
# baseline, and the target is a floor.
ROWS = [
    ("small decode, one shot vs bare ParseFromArray",
     "BM_DecodeOneShot/small", "BM_ProtobufParse/small", "time", 1.10),
    ("small decode, 1 KiB chunks vs bare ParseFromArray",
     "BM_DecodeChunked/small", "BM_ProtobufParse/small", "time", 1.10),
    ("small view decode, one shot vs bare ParseFromArray",
     "BM_DecodeViewOneShot/small", "BM_ProtobufParse/small", "time", 1.10),
    ("small view decode, 1 KiB chunks vs bare ParseFromArray",
     "BM_DecodeViewChunked/small", "BM_ProtobufParse/small", "time", 1.10),
    ("small encode vs bare SerializeToArray",
     "BM_Encode/small", "BM_ProtobufSerialize/small", "time", 1.10),
    ("large view decode, one shot vs memcpy",
     "BM_DecodeViewOneShot/large", "BM_Memcpy/large", "speed", 0.50),
    ("large view decode, 1 KiB chunks vs memcpy",
     "BM_DecodeViewChunked/large", "BM_Memcpy/large", "speed", 0.50),
    ("small view decode, 1 KiB chunks vs bare view parse",
     "BM_DecodeViewChunked/small", "BM_ViewParse/small", "time", None),
    ("large decode, one shot vs memcpy",
     "BM_DecodeOneShot/large", "BM_Memcpy/large", "speed", None),
    ("large decode, 1 KiB chunks vs memcpy",
     "BM_DecodeChunked/large", "BM_Memcpy/large", "speed", None),
    ("large decode, one shot vs bare ParseFromArray",
     "BM_DecodeOneShot/large", "BM_ProtobufParse/large", "time", None),
    ("large encode vs bare SerializeToArray",
     "BM_Encode/large", "BM_ProtobufSerialize/large", "time", None),
    ("large encode vs memcpy",
     "BM_Encode/large", "BM_Memcpy/large", "speed", None),
]


def run_benchmarks(binary, min_time, repetitions):
    """Returns {benchmark name: median result} from codec_bench's JSON."""
    command = [str(binary), "--benchmark_format=json",
               f"--benchmark_min_time={min_time}",
               f"--benchmark_repetitions={repetitions}",
               "--benchmark_report_aggregates_only=true",
               # Interleaved repetitions spread a busy machine's noise evenly.
               "--benchmark_enable_random_interleaving=true"]
    completed = subprocess.run(command, check=True, capture_output=True, text=True)
    report = json.loads(completed.stdout)
    medians = {}
    for result in report["benchmarks"]:
        if result.get("aggregate_name") == "median":
            medians[result["run_name"]] = result
    return report["context"], medians


def ratio(medians, codec, baseline, kind):
    if kind == "time":
        # Seconds per message is 1 / items_per_second.
        return medians[baseline]["items_per_second"] / medians[codec]["items_per_second"]
    return medians[codec]["bytes_per_second"] / medians[baseline]["bytes_per_second"]


def main():
    parser = argparse.ArgumentParser(prog="bench/codec-ratios", description=__doc__.splitlines()[0])
    parser.add_argument("--binary", type=pathlib.Path, default=DEFAULT_BINARY)
    parser.add_argument("--min-time", type=float, default=0.2, help="seconds per benchmark run")
    parser.add_argument("--repetitions", type=int, default=5)
    parser.add_argument("--readme", type=pathlib.Path, default=report_sections.DEFAULT_README,
                        help="the README whose 'codec-ratios' section is rewritten "
                             "(default: bench/README.md)")
    parser.add_argument("--print-only", action="store_true", help="print, rewrite nothing")
    args = parser.parse_args()

    context, medians = run_benchmarks(args.binary, args.min_time, args.repetitions)
    lines = [f"codec_bench on {context.get('num_cpus', '?')} CPUs at "
             f"{context.get('mhz_per_cpu', '?')} MHz, {context.get('library_build_type', '?')} "
             f"benchmark library; median of {args.repetitions} interleaved runs of >= {args.min_time} s",
             "",
             f"{'benchmark (median)':<30} {'ns/message':>14} {'MB/s':>10}"]
    for name, result in sorted(medians.items()):
        nanoseconds = 1e9 / result["items_per_second"]
        lines.append(f"{name:<30} {nanoseconds:>14.1f} {result['bytes_per_second'] / 1e6:>10.1f}")
    lines += ["", f"{'comparison':<56} {'measure':<17} {'ratio':>6} {'target':>8}  met"]
    for label, codec, baseline, kind, target in ROWS:
        value = ratio(medians, codec, baseline, kind)
        measure = "time per message" if kind == "time" else "bytes per second"
        if target is None:
            shown, met = "-", "-"
        elif kind == "time":
            shown, met = f"<= {target:.2f}", "yes" if value <= target else "NO"
        else:
            shown, met = f">= {target:.2f}", "yes" if value >= target else "NO"
        lines.append(f"{label:<56} {measure:<17} {value:>6.2f} {shown:>8}  {met}")
    table = "\n".join(lines)
    print(table)
    if args.print_only:
        return 0
    load = os.getloadavg()[0]
    report_sections.replace_section(args.readme, "codec-ratios", "bench/codec-ratios", f"""\
Generated by `bench/codec-ratios` on {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC;
load average (1 min) {load:.2f} on {context.get('num_cpus', '?')} CPUs when it ended.

```
{table}
```""")
    print(f"\nwrote the 'codec-ratios' section of {args.readme}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
