# shellcheck shell=bash
# Sourced by the scripts in this directory, from the repository root.

# Builds target/last-mile.jar when it is missing or older than the POMs or anything under src/ or client/ (the
# client library is in the jar; directories included, so a deleted source file also counts as a change). The same
# build compiles the benchmark, abuse and demo programs (under src/test, not in the jar), writes
# target/tools.classpath for tools_classpath and the demo's descriptor set target/demo/indicator.desc.
build_if_stale() {
  local jar=target/last-mile.jar
  if [[ -f $jar && -f target/tools.classpath && -f target/demo/indicator.desc && ! pom.xml -nt $jar
    && ! gateway.xml -nt $jar && -z $(find src client/pom.xml client/src -newer "$jar" -print -quit) ]]; then
    return
  fi
  if ! command -v mvn >/dev/null; then
    echo "$jar is missing or stale, and building it needs Maven (mvn)" >&2
    exit 1
  fi
  echo "building $jar ..." >&2
  # to stderr: the demo scripts' stdout carries only their output
  mvn -B -q package -DskipTests >&2
}

# The classpath of the programs under src/test (benchmarks, abuse harness, demo): their classes, the gateway's,
# and the test-scope dependencies (HdrHistogram, jfreechart, ...); call build_if_stale first.
tools_classpath() {
  echo "target/test-classes:target/classes:$(<target/tools.classpath)"
}
