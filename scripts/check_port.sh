#!/usr/bin/env bash
# Refuse to start the web server on a port that is already taken, with a clear message.
host="$1"; port="$2"
if command -v ss >/dev/null 2>&1; then
  busy=$(ss -ltnH "( sport = :$port )" 2>/dev/null)
else
  busy=$(timeout 2 bash -c "exec 3<>/dev/tcp/$host/$port" 2>/dev/null && echo yes)
fi
if [ -n "$busy" ]; then
  echo "ERROR: port $port on $host is already in use (another 'make run'?)." >&2
  echo "       Stop that program, or choose another port: make run PORT=5001" >&2
  exit 1
fi
