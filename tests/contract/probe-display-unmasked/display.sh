#!/bin/bash
# A display with a random element id, as map libraries write them.
set -e
id=$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')
printf '<html><body>\n<div class="map" id="map_%s"></div>\n<script>var map_%s = L.map("map_%s");</script>\n</body></html>\n' "$id" "$id" "$id" >/data/display/map.html
