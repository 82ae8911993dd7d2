#!/usr/bin/env bash
# Debian's Chromium for the browser tests (Playwright drives it via executable_path).
if command -v chromium >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "==> Installing Debian's chromium for the browser tests"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq chromium fonts-dejavu-core >/dev/null 2>&1 || { apt-get update -qq >/dev/null && apt-get install -y -qq chromium fonts-dejavu-core >/dev/null; } \
    || { echo "ERROR: could not install chromium (apt-get failed)." >&2; exit 1; }
else
  echo "WARNING: chromium is not installed and cannot be installed by this user; browser tests will be skipped." >&2
  echo "         Install it with: sudo apt-get install chromium" >&2
fi
