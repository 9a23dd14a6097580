#!/bin/sh
# The api "server": answers one line per connection on port 8080.
while true; do
  echo "api: $(cat /srv/api/greeting.txt)" | nc -l -p 8080
done
