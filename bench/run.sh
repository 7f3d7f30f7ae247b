#!/usr/bin/env bash
# Runs the Tunnelstore benchmark harness (docs/BENCHMARKS.md).
#   bench/run.sh                 quick mode (small sizes, ~3 min; what CI runs as BenchQuickTest)
#   bench/run.sh --full          full mode (1M-row hand-over, 5M-row growth, seed-default failover; ~40 min)
#   bench/run.sh [--full] --only ingest,handover,latency,failover,growth,jmh
#   bench/run.sh [--full] --handover-rows N  (e.g. quick mode with the 1M-row hand-over)
#   bench/run.sh [--full] --work-dir DIR     (default: a new temporary directory; a directory left by an earlier
#                                             run is emptied first, any other non-empty one is refused)
#   bench/run.sh [--full] --engines rocksdb,hbase1,hbase3
#                                            (ingest, hand-over and latency also on 1 and 3 nodes over an HBase
#                                             minicluster, next to the embedded RocksDB server; docs/BENCHMARKS.md)
# Prints the results table; writes DIR/results.json and DIR/results.txt. Exits 1 if a completeness check failed.
# BUILD_DIR_NAME selects Maven's output directory (default target-bench), so it can run beside other builds.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BUILD="${BUILD_DIR_NAME:-target-bench}"
CP_FILE="$ROOT/bench/$BUILD/bench.classpath"
mkdir -p "$ROOT/bench/$BUILD"
# Package, without tests: bench reaches the server through cli, which needs storage-hbase-shaded's relocated HBase
# client (it exists only as that module's packaged jar); the cluster engines also need the minicluster module's class
# path file (written at process-classes). Tests are not compiled (-Dmaven.test.skip): storage-hbase's test-scope
# contract suites come from storage's test-jar, which such a build does not produce (storage-hbase/pom.xml).
GOAL=package
SKIP=-Dmaven.test.skip=true
echo "bench: building (mvn -pl bench -am $GOAL)..." >&2
(cd "$ROOT" && mvn -B -q -Dbuild.dir.name="$BUILD" -pl bench -am "$SKIP" "$GOAL" dependency:build-classpath \
    -Dmdep.outputFile="$CP_FILE") >&2
CP="$ROOT/bench/$BUILD/classes:$(cat "$CP_FILE")"
case " $* " in *" --engines "*hbase*)
  # the minicluster JVM's class path, as the ./tunnelstore launcher passes it to `tunnelstore cluster`
  TUNNELSTORE_MINICLUSTER_CLASSPATH="$ROOT/minicluster/$BUILD/classes:$(cat "$ROOT/minicluster/$BUILD/minicluster.classpath")"
  export TUNNELSTORE_MINICLUSTER_CLASSPATH ;;
esac
exec java ${BENCH_JAVA_OPTS:--Xmx4g} -cp "$CP" io.tunnelstore.bench.BenchMain "$@"
