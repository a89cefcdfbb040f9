#!/usr/bin/env bash
# Installs the Debian packages named in package lists that are not installed yet. The one list
# (scripts/debian-packages.txt) serves scripts/setup.sh and the container images (deploy/docker/Dockerfile*),
# so what a developer installs and what an image installs cannot drift.
#   scripts/install-debian-packages.sh [--only TAG]... [--without TAG]... [--print] [--clean] LIST...
# A list line is "package [tag...]"; '#' starts a comment. The tags:
#   build  needed only to build (compilers, headers); a runtime image leaves it out
#   data   datasets
# --only TAG     keep only packages that carry TAG (repeat: carry every one)
# --without TAG  leave out packages that carry TAG (repeat: any of them)
# --print        print the selected packages, one per line, and install nothing
# --clean        after installing, delete apt's package lists (for container images)
set -euo pipefail

only=() without=() lists=() print=0 clean=0
while (($#)); do
  case "$1" in
    --only) [[ $# -ge 2 ]] || { echo "install-debian-packages: --only needs a TAG" >&2; exit 2; }; only+=("$2"); shift 2 ;;
    --without) [[ $# -ge 2 ]] || { echo "install-debian-packages: --without needs a TAG" >&2; exit 2; }; without+=("$2"); shift 2 ;;
    --print) print=1; shift ;;
    --clean) clean=1; shift ;;
    -*) echo "install-debian-packages: unknown option $1 (expected --only TAG, --without TAG, --print or --clean)" >&2; exit 2 ;;
    *) [[ -f "$1" ]] || { echo "install-debian-packages: package list $1 not found" >&2; exit 2; }; lists+=("$1"); shift ;;
  esac
done
((${#lists[@]})) || { echo "install-debian-packages: no package list given" >&2; exit 2; }

has_tag() { # has_tag TAG TAGS...
  local wanted="$1"; shift
  local t
  for t in "$@"; do [[ "$t" == "$wanted" ]] && return 0; done
  return 1
}

packages=()
while IFS= read -r line || [[ -n "$line" ]]; do
  line="${line%%#*}"
  read -r -a fields <<<"$line"
  ((${#fields[@]})) || continue
  name="${fields[0]}" tags=("${fields[@]:1}")
  keep=1
  for t in "${only[@]}"; do has_tag "$t" "${tags[@]}" || keep=0; done
  for t in "${without[@]}"; do has_tag "$t" "${tags[@]}" && keep=0; done
  ((keep)) && packages+=("$name")
done < <(cat "${lists[@]}")

if ((print)); then
  ((${#packages[@]})) && printf '%s\n' "${packages[@]}"
  exit 0
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "install-debian-packages: installing ${missing[*]}" >&2
  SUDO=""
  [[ $(id -u) == 0 ]] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq >&2
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi
if ((clean)); then
  SUDO=""
  [[ $(id -u) == 0 ]] || SUDO="sudo"
  $SUDO rm -rf /var/lib/apt/lists/*
fi
