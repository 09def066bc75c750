#!/usr/bin/env bash
# Builds the fuzz targets the OSS-Fuzz / ClusterFuzzLite way and writes to
# $OUT, for each target: the binary, <target>_seed_corpus.zip,
# <target>.dict and <target>.options.
#
# Honours $CC, $CXX, $CFLAGS, $CXXFLAGS, $LIB_FUZZING_ENGINE and $OUT; run
# locally, it defaults to clang-14 with ASan+UBSan and libFuzzer and writes
# to build/fuzz-out. The codec and the generated kv.pb.cc are compiled with
# the same flags as the targets (one CMake build, in $KV_FUZZ_BUILD_DIR,
# default build/fuzz-oss).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"

: "${CC:=clang-14}"
: "${CXX:=clang++-14}"
: "${CFLAGS:=-fsanitize=address,undefined -fsanitize=fuzzer-no-link -fno-sanitize-recover=undefined -g -O1}"
: "${CXXFLAGS:=-fsanitize=address,undefined -fsanitize=fuzzer-no-link -fno-sanitize-recover=undefined -g -O1}"
: "${LIB_FUZZING_ENGINE:=-fsanitize=fuzzer}"
: "${OUT:=$root/build/fuzz-out}"
: "${KV_FUZZ_BUILD_DIR:=$root/build/fuzz-oss}"
: "${KV_FUZZ_JOBS:=2}"

targets=(decode_fuzzer chunked_decode_fuzzer roundtrip_fuzzer view_decode_fuzzer server_sim_fuzzer)
# libFuzzer's -max_len per target: enough for several frames and for LEN
# values around the small maxima the targets use.
declare -A max_len=([decode_fuzzer]=65536 [chunked_decode_fuzzer]=65536 [roundtrip_fuzzer]=16384
                    [view_decode_fuzzer]=16384 [server_sim_fuzzer]=4096)

CC="$CC" CXX="$CXX" cmake -S "$root" -B "$KV_FUZZ_BUILD_DIR" -G Ninja \
  -DCMAKE_BUILD_TYPE=None \
  -DCMAKE_C_FLAGS="$CFLAGS" -DCMAKE_CXX_FLAGS="$CXXFLAGS" \
  -DKV_BUILD_FUZZERS=ON -DKV_FUZZING_ENGINE="$LIB_FUZZING_ENGINE" \
  -DKV_BUILD_TESTS=OFF -DKV_BUILD_BENCH=OFF
cmake --build "$KV_FUZZ_BUILD_DIR" --target "${targets[@]}" -j"$KV_FUZZ_JOBS"

mkdir -p "$OUT"
for target in "${targets[@]}"; do
  cp "$KV_FUZZ_BUILD_DIR/fuzz/$target" "$OUT/$target"
  cp "$here/kv.dict" "$OUT/$target.dict"
  printf '[libfuzzer]\nmax_len = %s\ndict = %s.dict\n' "${max_len[$target]}" "$target" \
    > "$OUT/$target.options"
  rm -f "$OUT/${target}_seed_corpus.zip"
  python3 "$here/vectors_to_corpus.py" --target "$target" --vectors "$root/spec/vectors" \
    --zip "$OUT/${target}_seed_corpus.zip"
done
echo "build.sh: targets in $OUT"
