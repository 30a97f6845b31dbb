#!/usr/bin/env bash
# A throw-away PostgreSQL for tests, from Debian's packages.
#   scripts/postgres.sh start DIR PORT   initialises DIR, starts the server on 127.0.0.1:PORT and
#                                        prints an Npgsql connection string on stdout
#   scripts/postgres.sh stop DIR         stops that server and removes DIR
# Runs as root without systemd; the server itself runs as the 'postgres' user. Everything but the
# connection string goes to stderr, so callers can capture stdout.
set -euo pipefail

readonly DATABASE=commonground_test

log() { echo "postgres.sh: $*" >&2; }
die() { log "$*"; exit 1; }

usage() {
    echo "usage: $0 start DIR PORT | stop DIR" >&2
    exit 2
}

# Prints the directory that holds pg_ctl and initdb, or nothing.
find_bindir() {
    local candidate
    if candidate=$(command -v pg_ctl 2>/dev/null) && [[ -x "$(dirname "$(readlink -f "$candidate")")/initdb" ]]; then
        dirname "$(readlink -f "$candidate")"
        return
    fi
    candidate=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
    if [[ -n "$candidate" && -x "$candidate/pg_ctl" && -x "$candidate/initdb" ]]; then
        echo "$candidate"
        return
    fi
    if command -v dpkg >/dev/null 2>&1; then
        candidate=$(dpkg -L $(dpkg-query -W -f '${Package}\n' 'postgresql-[0-9]*' 2>/dev/null || true) 2>/dev/null \
            | grep '/bin/pg_ctl$' | sort -V | tail -n 1 || true)
        if [[ -n "$candidate" ]]; then
            dirname "$candidate"
        fi
    fi
}

ensure_postgres() {
    local bindir
    bindir=$(find_bindir)
    if [[ -z "$bindir" ]]; then
        [[ $(id -u) -eq 0 ]] || die "PostgreSQL is not installed and installing it needs root."
        log "installing PostgreSQL from Debian's packages"
        export DEBIAN_FRONTEND=noninteractive
        # Only our own cluster is wanted: tell postgresql-common not to create and start "main" on
        # 5432, and keep that setting when the package brings its own copy of the file.
        if [[ ! -e /etc/postgresql-common/createcluster.conf ]]; then
            mkdir -p /etc/postgresql-common
            echo "create_main_cluster = false" > /etc/postgresql-common/createcluster.conf
        fi
        apt-get update >&2
        apt-get install -y -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold postgresql >&2
        bindir=$(find_bindir)
        [[ -n "$bindir" ]] || die "pg_ctl not found after installing postgresql."
    fi
    echo "$bindir"
}

# Runs a command as the postgres user (or as is, when we are that user already).
as_postgres() {
    if [[ $(id -un) == postgres ]]; then
        "$@"
    else
        runuser -u postgres -- "$@"
    fi
}

start() {
    local dir=$1 port=$2
    [[ "$port" =~ ^[0-9]+$ ]] || die "PORT must be a number, got '$port'."
    local bindir
    bindir=$(ensure_postgres)

    mkdir -p "$dir"
    dir=$(readlink -f "$dir")
    local data="$dir/data"
    if [[ -f "$data/postmaster.pid" ]] && as_postgres "$bindir/pg_ctl" status -D "$data" >/dev/null 2>&1; then
        die "a server is already running on $data; stop it first."
    fi
    if [[ $(id -u) -eq 0 ]]; then
        chown postgres: "$dir"
    fi
    as_postgres test -w "$dir" || die "user postgres cannot write to $dir (check the parent folders' permissions)."

    if [[ ! -f "$data/PG_VERSION" ]]; then
        log "initialising $data"
        as_postgres "$bindir/initdb" -D "$data" -U postgres -E UTF8 --locale=C \
            --auth-local=trust --auth-host=trust >&2
    fi

    # Loopback TCP only, no Unix socket; fsync and synchronous commit stay on because durability is
    # part of what the tests check.
    log "starting on 127.0.0.1:$port"
    as_postgres "$bindir/pg_ctl" start -D "$data" -l "$dir/server.log" -w -t 60 \
        -o "-h 127.0.0.1 -p $port -k '' -c fsync=on -c synchronous_commit=on -c full_page_writes=on -c max_connections=200" >&2 \
        || { tail -n 50 "$dir/server.log" >&2 || true; die "the server did not start."; }

    local tries=0
    until "$bindir/pg_isready" -q -h 127.0.0.1 -p "$port"; do
        tries=$((tries + 1))
        [[ $tries -lt 60 ]] || die "the server is not accepting connections after 30 s."
        sleep 0.5
    done

    if ! "$bindir/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -tAc \
        "SELECT 1 FROM pg_database WHERE datname = '$DATABASE'" | grep -q 1; then
        "$bindir/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -q -c "CREATE DATABASE $DATABASE" >&2
    fi

    echo "Host=127.0.0.1;Port=$port;Username=postgres;Database=$DATABASE"
}

stop() {
    local dir=$1
    [[ -d "$dir" ]] || { log "$dir does not exist; nothing to stop."; return 0; }
    local data="$dir/data"
    if [[ -f "$data/postmaster.pid" ]]; then
        local bindir
        bindir=$(find_bindir)
        if [[ -n "$bindir" ]]; then
            as_postgres "$bindir/pg_ctl" stop -D "$data" -m fast -w -t 60 >&2 || log "pg_ctl stop failed; removing the folder anyway."
        fi
    fi
    rm -rf "$dir"
}

case "${1:-}" in
    start) [[ $# -eq 3 ]] || usage; start "$2" "$3" ;;
    stop) [[ $# -eq 2 ]] || usage; stop "$2" ;;
    *) usage ;;
esac
