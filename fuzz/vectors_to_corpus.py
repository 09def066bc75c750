#!/usr/bin/env python3
"""Turns the spec's test vectors into a fuzzing seed corpus.

Every line of spec/vectors/*.jsonl is one JSON object whose "hex" field
holds a byte stream; each stream becomes one binary seed file. The target's
committed seeds, fuzz/corpus/<target>/*, are added as they are. Seeds are named
by the SHA-1 of their content, as libFuzzer names corpus files, so duplicates
collapse. The corpus is written either to a directory (--out, emptied of
regular files first) or to a zip archive (--zip), the form OSS-Fuzz expects
for <target>_seed_corpus.zip.

Both fuzz/build.sh and the ctest replay tests (fuzz/CMakeLists.txt) use
this script.
"""

import argparse
import hashlib
import json
import pathlib
import sys
import zipfile

CORPUS_DIR = pathlib.Path(__file__).resolve().parent / "corpus"

# Bytes appended to each vector-derived seed, per target. The chunked decoder
# target reads its options from the end of its input (see the comment on
# kMaxFrameLens in chunked_decode_fuzzer.cc): 00 00 selects the 1 MiB maximum
# and an empty schedule (byte by byte), and leaves the stream intact.
VECTOR_SUFFIX = {"chunked_decode_fuzzer": b"\x00\x00"}


def vector_streams(vectors_dir):
    """Yields (where, bytes) for every vector in vectors_dir/*.jsonl."""
    for path in sorted(pathlib.Path(vectors_dir).glob("*.jsonl")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            where = f"{path.name}:{number}"
            try:
                vector = json.loads(line)
            except json.JSONDecodeError as error:
                raise SystemExit(f"vectors_to_corpus: {where}: bad JSON: {error}")
            if "hex" not in vector:
                continue
            # Tolerate the spec's byte notation: spaces and '|' separators.
            text = vector["hex"].replace("|", "").replace(" ", "")
            try:
                yield where, bytes.fromhex(text)
            except ValueError as error:
                raise SystemExit(f"vectors_to_corpus: {where}: bad hex: {error}")


def committed_seeds(target):
    """Yields the content of every file in fuzz/corpus/<target>/."""
    for path in sorted((CORPUS_DIR / target).rglob("*")):
        if path.is_file() and not path.name.startswith("README"):
            yield path.read_bytes()


def collect(args):
    seeds = {}
    suffix = VECTOR_SUFFIX.get(args.target, b"")
    if args.vectors:
        for _, stream in vector_streams(args.vectors):
            seed = stream + suffix
            seeds[hashlib.sha1(seed).hexdigest()] = seed
    for seed in committed_seeds(args.target):
        seeds[hashlib.sha1(seed).hexdigest()] = seed
    return seeds


def write_directory(seeds, out):
    out.mkdir(parents=True, exist_ok=True)
    for old in out.iterdir():
        if old.is_file():
            old.unlink()
    for name, seed in seeds.items():
        (out / name).write_bytes(seed)


def write_zip(seeds, archive):
    archive.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        for name in sorted(seeds):
            zipped.writestr(name, seeds[name])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", required=True, help="fuzz target name, e.g. decode_fuzzer")
    parser.add_argument("--vectors", help="directory holding the *.jsonl vectors")
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--out", type=pathlib.Path, help="corpus directory to write")
    target.add_argument("--zip", type=pathlib.Path, help="zip archive to write")
    args = parser.parse_args()

    seeds = collect(args)
    if args.out:
        write_directory(seeds, args.out)
    else:
        write_zip(seeds, args.zip)
    print(f"vectors_to_corpus: {len(seeds)} seeds -> {args.out or args.zip}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
