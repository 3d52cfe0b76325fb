#!/usr/bin/env bash
# Builds, on this machine, what gpu-check.sh needs on a GPU machine that has no internet and maybe
# no JDK, into .device/ (git-ignored) at the repository root:
#   .device/jdk/                      jlink'ed JDK: java.base, java.logging, jdk.unsupported,
#                                     jdk.incubator.vector, java.management
#   .device/geometry-cuda-device.jar  shaded: main + test classes + dependencies (-Pdevice)
# and checks that both fit the 64 MiB a device run may carry. Then runs the jar here once: without
# a GPU it must print the probe's reasons and skip the GPU tests.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
dev="$root/.device"
# Its own build folder: the profile copies test classes into target-device/classes.
suffix="${EMBGEO_BUILD_SUFFIX:--device}"
limit=$((64 * 1024 * 1024))
JAVA_HOME="${JAVA_HOME:-$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")}"

cd "$root"
# Offline first (quick where the local repository is warm), online where it is not, e.g. a fresh
# clone with an empty repository; MVN_OFFLINE=-o keeps it offline, MVN_ARGS adds arguments (e.g.
# -Dmaven.repo.local=DIR). -DskipTests, never -Dmaven.test.skip: the device jar holds the tests.
build() {
  # shellcheck disable=SC2086
  "${MVN:-mvn}" -B -q "$@" ${MVN_ARGS:-} -Dembgeo.build.suffix="$suffix" -Pdevice -pl geometry-cuda \
    -am package -DskipTests -Dmaven.javadoc.skip=true -Dmaven.source.skip=true
}
if [[ -n "${MVN_OFFLINE:-}" ]]; then
  build "$MVN_OFFLINE"
else
  build -o >/dev/null 2>&1 || build
fi
jar="geometry-cuda/target$suffix/geometry-cuda-device.jar"

rm -rf "$dev/jdk"
mkdir -p "$dev"
"$JAVA_HOME/bin/jlink" --add-modules java.base,java.logging,jdk.unsupported,jdk.incubator.vector,java.management \
  --strip-debug --no-man-pages --no-header-files --compress=2 --output "$dev/jdk" 2>/dev/null \
  || "$JAVA_HOME/bin/jlink" --add-modules java.base,java.logging,jdk.unsupported,jdk.incubator.vector,java.management \
       --strip-debug --no-man-pages --no-header-files --compress=zip-6 --output "$dev/jdk"
cp "$jar" "$dev/geometry-cuda-device.jar"

size=$(du -sb "$dev" | cut -f1)
echo "device payload: $(du -sh "$dev/jdk" | cut -f1) JDK + $(du -sh "$dev/geometry-cuda-device.jar" | cut -f1) jar = $((size / 1024 / 1024)) MiB (limit 64 MiB)"
if [ "$size" -gt "$limit" ]; then
  echo "prepare-device: .device/ is $size bytes, over the 64 MiB a device run may carry" >&2
  exit 1
fi
echo "== smoke run of the device jar on this machine"
"$dev/jdk/bin/java" --add-modules jdk.incubator.vector -jar "$dev/geometry-cuda-device.jar"
