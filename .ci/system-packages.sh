#!/usr/bin/env bash
# Debian packages the test suite uses: headless Chromium and its driver (browser tests), a CJK font
# (Chinese text in screenshots), Virtuoso 7 (the scale-out store tests start it on 127.0.0.1), Apache Jena and a
# JDK (tests/test_jena_client.py runs a Jena client as a single-file Java program). Installs only what is missing.
set -euo pipefail
packages=(chromium chromium-driver fonts-wqy-zenhei virtuoso-opensource openjdk-17-jdk-headless libapache-jena-java)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "installing: ${missing[*]}"
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
