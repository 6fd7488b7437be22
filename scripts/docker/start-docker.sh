#!/usr/bin/env bash
# Starts the Docker engine (dockerd, from Debian's docker.io) and a local registry on
# 127.0.0.1:5000 (Debian's docker-registry, with scripts/docker/registry.yml) when they are not
# already answering. Used by .ci/run; safe to run again.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

if ! docker info >/dev/null 2>&1; then
  mkdir -p /var/log/runlet
  nohup dockerd >/var/log/runlet/dockerd.log 2>&1 &
  for _ in $(seq 60); do docker info >/dev/null 2>&1 && break; sleep 1; done
fi
docker info --format 'docker {{.ServerVersion}} ({{.Driver}}, cgroup v{{.CgroupVersion}})'

if ! curl -fsS http://127.0.0.1:5000/v2/ >/dev/null 2>&1; then
  mkdir -p /var/lib/runlet-registry /var/log/runlet
  nohup docker-registry serve "$here/registry.yml" >/var/log/runlet/registry.log 2>&1 &
  for _ in $(seq 30); do curl -fsS http://127.0.0.1:5000/v2/ >/dev/null 2>&1 && break; sleep 1; done
fi
curl -fsS http://127.0.0.1:5000/v2/ >/dev/null && echo "registry 127.0.0.1:5000 up"
