#!/bin/bash -eu
# ClusterFuzzLite's build step: builds the fuzz targets into $OUT with the
# engine's compiler, flags and $LIB_FUZZING_ENGINE, through the kit's own
# fuzz/build.sh (binaries, seed corpora, dictionaries, .options).
#
# One change to the flags: the builder adds -stdlib=libc++ to $CXXFLAGS,
# but libprotobuf comes from the distribution, built against libstdc++,
# and the codec's generated kv.pb.cc must use the same standard library.
# So the targets are built against libstdc++. (MemorySanitizer, which
# needs every library instrumented, is not supported for that reason.)
CXXFLAGS="${CXXFLAGS//-stdlib=libc++/}"
export CXXFLAGS
cd "$SRC/kvkit"
exec fuzz/build.sh
