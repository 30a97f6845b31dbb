#!/usr/bin/env bash
# Runs every test of CommonGround on a fresh machine (Debian with the .NET SDK and node/npm):
# installs what is missing (npm clients, PostgreSQL, Redis, chromium), starts a throw-away PostgreSQL
# and a throw-away 3-node Redis Cluster on loopback ports, runs `dotnet test` over the whole solution,
# stops what it started, and ends with the line "N passed, N failed, N skipped".
set -euo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

say() { printf '\n== %s\n' "$*"; }
# Installs Debian packages non-interactively, as root or through sudo.
apt_install() {
    local run=()
    [[ $(id -u) -eq 0 ]] || run=(sudo)
    "${run[@]}" apt-get update -qq
    "${run[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# 1. The real third-party clients the compatibility tests drive (from npm).
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    say "installing Node.js and npm from Debian's packages"
    apt_install nodejs npm
fi
say "installing the npm clients used by the compatibility tests"
# npm ci rejects this lock file over optional per-platform packages of a dependency; npm install
# honours the same lock file.
(cd tests/clients && npm install --no-audit --no-fund --loglevel=error)

# 2. A throw-away PostgreSQL for the PostgreSQL provider's tests (installed when missing).
port=55432
while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
pgdir=$(mktemp -d -t commonground-pg.XXXXXX)
redisdir=$(mktemp -d -t commonground-redis.XXXXXX)
cleanup() {
    scripts/postgres.sh stop "$pgdir" >/dev/null 2>&1 || true
    scripts/redis-cluster.sh stop "$redisdir" >/dev/null 2>&1 || true
}
trap cleanup EXIT
say "starting PostgreSQL on 127.0.0.1:$port"
COMMONGROUND_TEST_POSTGRES=$(scripts/postgres.sh start "$pgdir" "$port")
export COMMONGROUND_TEST_POSTGRES

# 3. A throw-away 3-node Redis Cluster for the Redis contact ledger's tests: three free loopback
# ports in a row, each with its cluster bus port (+10,000) free too.
if ! command -v redis-server >/dev/null 2>&1 || ! command -v redis-cli >/dev/null 2>&1; then
    say "installing Redis from Debian's packages"
    # policy-rc.d keeps the package from starting its own server on 6379.
    policy=/usr/sbin/policy-rc.d
    if [[ $(id -u) -eq 0 && ! -e $policy ]]; then
        printf '#!/bin/sh\nexit 101\n' > "$policy" && chmod +x "$policy"
        apt_install redis-server redis-tools
        rm -f "$policy"
    else
        apt_install redis-server redis-tools
    fi
fi
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
redis_port=46379
until port_free $redis_port && port_free $((redis_port + 1)) && port_free $((redis_port + 2)) \
    && port_free $((redis_port + 10000)) && port_free $((redis_port + 10001)) && port_free $((redis_port + 10002)); do
    redis_port=$((redis_port + 3))
done
say "starting a 3-node Redis Cluster on 127.0.0.1:$redis_port-$((redis_port + 2))"
COMMONGROUND_TEST_REDIS=$(scripts/redis-cluster.sh start "$redisdir" "$redis_port")
export COMMONGROUND_TEST_REDIS

# 4. Debian's chromium for the browser tests: Playwright drives it headless, no browser is downloaded.
if ! command -v chromium >/dev/null 2>&1; then
    say "installing chromium from Debian's packages"
    apt_install chromium fonts-dejavu-core
fi

# 5. Every test project of the solution.
say "building and running the tests"
log=$(mktemp -t commonground-test.XXXXXX)
set +e
dotnet test CommonGround.slnx --logger "console;verbosity=normal" 2>&1 | tee "$log" | grep -vE '^\s+(Passed|Skipped) ' 
status=${PIPESTATUS[0]}
set -e

# 6. The totals, summed over the test assemblies, as one plain line.
awk '/^Total tests:/ { block = 1; next }
     block && /^[[:space:]]+(Passed|Failed|Skipped): [0-9]+[[:space:]]*$/ { sub(":", "", $1); total[$1] += $2; next }
     { block = 0 }
     END { printf "%d passed, %d failed, %d skipped\n", total["Passed"], total["Failed"], total["Skipped"] }' "$log"
rm -f "$log"
exit "$status"
