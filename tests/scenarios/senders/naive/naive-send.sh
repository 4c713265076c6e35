#!/bin/sh
# naive-send.sh SENDER FROM TO MESSAGE ID: read-modify-write of "$STSLAB_STATE_DIR/cache"
# through one fixed temporary name, then one delivery attempt by stslab-sender.
sender=$1 from=$2 to=$3 message=$4 id=$5
cache="$STSLAB_STATE_DIR/cache"
tmp="$STSLAB_STATE_DIR/cache.tmp"
{ cat "$cache" 2>/dev/null; echo "$to"; } > "$tmp"
# The window in which a second submit in the same directory truncates or steals the file.
sleep 0.2
if ! mv "$tmp" "$cache" 2>/dev/null; then
  echo '{"state":"bounced","reason":"naive-send: the cache file was renamed away by another submit"}'
  exit 69
fi
exec "$sender" send --from "$from" --to "$to" --message "$message" --message-id "$id" \
  --state-dir "$STSLAB_STATE_DIR"
