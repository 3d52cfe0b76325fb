# Sourced by bench.sh and bench-analyses.sh (needs ROOT): builds the module's test classes into
# target$EMBGEO_BUILD_SUFFIX (default -bench, apart from the usual build), and sets CP (the test class
# path), PIN (taskset to 2 cores when there are more) and JAVA_ARGS.
SUFFIX="${EMBGEO_BUILD_SUFFIX:--bench}"
cd "$ROOT"
mvn -B -q -o -Dembgeo.build.suffix="$SUFFIX" -DskipTests -Dmaven.javadoc.skip=true \
  -Dmaven.source.skip=true -pl geometry-spark -am test-compile dependency:build-classpath \
  -Dmdep.outputFile="target$SUFFIX/test.classpath" -Dmdep.includeScope=test >/dev/null 2>&1 \
  || mvn -B -q -Dembgeo.build.suffix="$SUFFIX" -DskipTests -Dmaven.javadoc.skip=true \
       -Dmaven.source.skip=true -pl geometry-spark -am test-compile dependency:build-classpath \
       -Dmdep.outputFile="target$SUFFIX/test.classpath" -Dmdep.includeScope=test
M="$ROOT/geometry-spark/target$SUFFIX"
CP="$M/test-classes:$M/classes:$ROOT/geometry-core/target$SUFFIX/classes:$ROOT/geometry-core/target$SUFFIX/test-classes:$ROOT/geometry-io/target$SUFFIX/classes:$(cat "$M/test.classpath")"
OPENS=$(sed -n 's:.*<spark.module.args>\(.*\)</spark.module.args>.*:\1:p' geometry-spark/pom.xml)
PIN=()
if command -v taskset >/dev/null && [[ $(nproc) -gt 2 ]]; then PIN=(taskset -c 0,1); fi
JAVA_ARGS=(-Xmx8g ${BENCH_JAVA_OPTS:-} --add-modules jdk.incubator.vector $OPENS -Dlog4j2.configurationFile=log4j2-test.properties)
