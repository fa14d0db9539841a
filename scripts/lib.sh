# shellcheck shell=bash
# Sourced by the scripts in this directory, from the repository root.

# Builds target/last-mile.jar when it is missing or older than pom.xml or anything under src/ (directories
# included, so a deleted source file also counts as a change).
build_if_stale() {
  local jar=target/last-mile.jar
  if [[ -f $jar && ! pom.xml -nt $jar && -z $(find src -newer "$jar" -print -quit) ]]; then
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
