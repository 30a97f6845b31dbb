#!/usr/bin/env bash
# A throw-away 3-node Redis Cluster for tests, from Debian's packages.
#   scripts/redis-cluster.sh start DIR PORT   starts three masters on 127.0.0.1:PORT, PORT+1 and PORT+2
#                                             (data and logs in DIR), joins them into one cluster that
#                                             covers all 16,384 slots, and prints a StackExchange.Redis
#                                             configuration string on stdout
#   scripts/redis-cluster.sh stop DIR         stops those servers and removes DIR
# Runs without systemd. Everything but the configuration string goes to stderr.
set -euo pipefail

readonly NODES=3

log() { echo "redis-cluster.sh: $*" >&2; }
die() { log "$*"; exit 1; }

usage() {
    echo "usage: $0 start DIR PORT | stop DIR" >&2
    exit 2
}

ensure_redis() {
    if command -v redis-server >/dev/null 2>&1 && command -v redis-cli >/dev/null 2>&1; then
        return
    fi
    [[ $(id -u) -eq 0 ]] || die "redis-server is not installed and installing it needs root."
    log "installing redis-server and redis-tools from Debian's packages"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update >&2
    # policy-rc.d keeps the package from starting its own server on 6379.
    local policy=/usr/sbin/policy-rc.d created_policy=0
    if [[ ! -e $policy ]]; then
        printf '#!/bin/sh\nexit 101\n' > "$policy"
        chmod +x "$policy"
        created_policy=1
    fi
    apt-get install -y redis-server redis-tools >&2 || { [[ $created_policy -eq 1 ]] && rm -f "$policy"; die "could not install Redis."; }
    [[ $created_policy -eq 1 ]] && rm -f "$policy"
    command -v redis-server >/dev/null 2>&1 || die "redis-server not found after installing it."
}

start() {
    local dir=$1 port=$2
    [[ "$port" =~ ^[0-9]+$ ]] || die "PORT must be a number, got '$port'."
    # Each node also listens on its port + 10,000 for the cluster bus.
    (( port >= 1024 && port + NODES - 1 <= 55535 )) || die "PORT must be between 1024 and $((55536 - NODES)) (the cluster bus uses PORT + 10000)."
    ensure_redis
    mkdir -p "$dir"
    dir=$(readlink -f "$dir")

    local endpoints=() i p
    for ((i = 0; i < NODES; i++)); do
        p=$((port + i))
        if redis-cli -h 127.0.0.1 -p "$p" ping >/dev/null 2>&1; then
            die "something already answers on 127.0.0.1:$p; stop it first or pick another PORT."
        fi
        mkdir -p "$dir/$p"
        # No persistence: the cluster lives as long as one test run.
        redis-server --bind 127.0.0.1 --port "$p" --dir "$dir/$p" --daemonize yes \
            --pidfile "$dir/$p/redis.pid" --logfile "$dir/$p/redis.log" \
            --cluster-enabled yes --cluster-config-file "$dir/$p/nodes.conf" --cluster-node-timeout 5000 \
            --save '' --appendonly no --protected-mode yes >&2
        endpoints+=("127.0.0.1:$p")
    done

    for ((i = 0; i < NODES; i++)); do
        p=$((port + i))
        local tries=0
        until redis-cli -h 127.0.0.1 -p "$p" ping >/dev/null 2>&1; do
            tries=$((tries + 1))
            [[ $tries -lt 60 ]] || { tail -n 30 "$dir/$p/redis.log" >&2 || true; stop "$dir"; die "node $p did not start."; }
            sleep 0.5
        done
    done

    log "joining ${endpoints[*]} into one cluster"
    redis-cli --cluster create "${endpoints[@]}" --cluster-replicas 0 --cluster-yes >&2

    local tries=0
    until [[ "$(redis-cli -h 127.0.0.1 -p "$port" cluster info 2>/dev/null || true)" == *cluster_state:ok* ]]; do
        tries=$((tries + 1))
        [[ $tries -lt 60 ]] || die "the cluster did not reach state ok in 30 s."
        sleep 0.5
    done

    local IFS=,
    echo "${endpoints[*]}"
}

stop() {
    local dir=$1
    [[ -d "$dir" ]] || { log "$dir does not exist; nothing to stop."; return 0; }
    local pidfile pids=() pid
    for pidfile in "$dir"/*/redis.pid; do
        [[ -f "$pidfile" ]] && pids+=("$(cat "$pidfile" 2>/dev/null || true)")
    done
    for pid in "${pids[@]}"; do
        [[ -n "$pid" ]] && kill "$pid" 2>/dev/null || true
    done
    for pid in "${pids[@]}"; do
        [[ -n "$pid" ]] || continue
        local tries=0
        while kill -0 "$pid" 2>/dev/null && [[ $tries -lt 40 ]]; do
            tries=$((tries + 1))
            sleep 0.25
        done
        kill -9 "$pid" 2>/dev/null || true
    done
    rm -rf "$dir"
}

case "${1:-}" in
    start) [[ $# -eq 3 ]] || usage; start "$2" "$3" ;;
    stop) [[ $# -eq 2 ]] || usage; stop "$2" ;;
    *) usage ;;
esac
