#!/bin/sh
# The replica part of Laget's nginx setup, which deploy/nginx/laget.conf includes:
#
#   sh deploy/nginx/replicas.sh 127.0.0.1:8501 127.0.0.1:8502 > /etc/nginx/laget-replicas.conf
#
# Arguments: every replica as IP:PORT (nginx reports the replica that answered by its address, and the route
# cookie is chosen from that). Run it again and reload nginx after adding or removing a replica.
#
# Sticky and balanced: a Streamlit session lives in one process (its websocket, uploads, downloads), so a
# browser keeps to one replica. A browser without a route goes to the replica with the fewest open connections
# (least_conn: Streamlit keeps one websocket per open tab, so that is the one with the fewest sessions); the
# answer sets the cookie laget_route to that replica's name, and later requests go to that replica, with the
# others as backup. When it is gone the next request lands on another, which becomes the route; the login
# survives because sessions live in the database (README, Drift). Open-source nginx has no `sticky`; a hash of
# a random key (the earlier setup) split 20 users 12/8 rather than 10/10.
set -eu
if [ $# -lt 1 ]; then
  echo "usage: sh replicas.sh IP:PORT [IP:PORT ...]" >&2
  exit 2
fi
for r in "$@"; do
  case "$r" in
    *:*[!0-9]* | *[!0-9.:]* | :* | *:) echo "replicas.sh: not IP:PORT: $r" >&2; exit 2 ;;
  esac
done
echo "# written by deploy/nginx/replicas.sh $*"
echo "upstream laget {  # a browser with no route yet: the replica with the fewest open connections"
echo "    least_conn;"
for r in "$@"; do echo "    server $r max_fails=1 fail_timeout=10s;"; done
echo "    keepalive 16;"
echo "}"
i=0
for r in "$@"; do
  i=$((i + 1))
  echo "upstream laget_r$i {  # a browser routed to $r: that replica, the others if it is down"
  echo "    server $r max_fails=1 fail_timeout=10s;"
  for o in "$@"; do [ "$o" = "$r" ] || echo "    server $o backup;"; done
  echo "    keepalive 16;"
  echo "}"
done
echo 'map $cookie_laget_route $laget_upstream {'
echo "    default laget;"
i=0
for r in "$@"; do i=$((i + 1)); echo "    r$i laget_r$i;"; done
echo "}"
echo 'map $upstream_addr $laget_route_cookie {  # the replica that answered (the last one tried) is the route'
echo '    default "";'
i=0
for r in "$@"; do
  i=$((i + 1))
  pattern=$(printf '%s' "$r" | sed 's/[.]/\\./g')
  echo "    \"~(^|\\s)$pattern\$\" \"laget_route=r$i; Path=/; Secure; HttpOnly; SameSite=Lax\";"
done
echo "}"
