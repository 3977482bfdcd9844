#!/bin/bash
# Container healthchecks, cheap enough to run every few seconds: bash built-ins and find, no
# interpreter start (a Python start costs 0.1-0.2 s of CPU; slim images have no curl).
#   healthcheck.sh http PORT PATH        healthy when GET http://127.0.0.1:PORT/PATH answers 200
#   healthcheck.sh file PATH MAX_AGE_MIN  healthy when PATH was written in the last MAX_AGE_MIN
#   healthcheck.sh smtp PORT             healthy when 127.0.0.1:PORT greets with SMTP's 220
set -u
case "${1:-}:$#" in
    http:3)
        exec 3<>"/dev/tcp/127.0.0.1/$2" || exit 1
        printf 'GET %s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' "$3" >&3
        read -r -t 3 _ status _ <&3 && [ "$status" = 200 ]
        ;;
    smtp:2)
        exec 3<>"/dev/tcp/127.0.0.1/$2" || exit 1
        read -r -t 3 code _ <&3 && [ "$code" = 220 ] && printf 'QUIT\r\n' >&3
        ;;
    file:3)
        [ -n "$(find "$2" -mmin "-$3" 2>/dev/null)" ]
        ;;
    *)
        sed -n '2,6p' "$0" >&2
        exit 2
        ;;
esac
