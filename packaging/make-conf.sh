#!/bin/sh
# make-conf.sh EXAMPLE DEFAULTS OUT: writes the package's /etc/seats/seats.conf to OUT, from
# seats.conf.example (every setting, its order and its comments) and the package's defaults
# (packaging/seats.conf.package, whose header explains its entries). Fails when DEFAULTS
# names a setting the example lacks without marking it as an extra one (+NAME), so the two
# cannot drift apart unnoticed.
set -eu

[ $# -eq 3 ] || {
  echo "usage: $0 EXAMPLE DEFAULTS OUT" >&2
  exit 2
}
example=$1 defaults=$2 out=$3

awk -v defaults="$defaults" '
  function fail(msg) { print "make-conf.sh: " msg > "/dev/stderr"; failed = 1; exit 1 }
  function flush_comments() { if (pending != "") printf "%s", pending; pending = "" }
  function emit(name, comment, value) {
    if (comment != "") printf "%s", comment
    if (kind[name] == "nginx") print "# [nginx] " name "=" value
    else print name "=" value
  }
  BEGIN {
    # The defaults file: its header paragraph, then entries, each with the comment lines
    # right above it.
    in_header = 1; comment = ""; last = ""
    while ((getline line < defaults) > 0) {
      if (in_header) {
        if (line == "") in_header = 0; else header = header line "\n"
        continue
      }
      if (line ~ /^#/) { comment = comment line "\n"; continue }
      if (line == "") { comment = ""; continue }
      extra = 0; k = "seatd"
      if (line ~ /^\+/) { extra = 1; line = substr(line, 2) }
      if (line ~ /^nginx:/) { k = "nginx"; line = substr(line, 7) }
      if (line !~ /^[A-Z][A-Z0-9_]*=/) fail(defaults ": not an entry: " line)
      name = substr(line, 1, index(line, "=") - 1)
      value[name] = substr(line, index(line, "=") + 1)
      kind[name] = k
      note[name] = comment
      comment = ""
      if (extra) {
        if (last == "") fail(defaults ": +" name " has no entry before it")
        after[last] = after[last] name " "
        is_extra[name] = 1
      } else {
        wanted[name] = 1
        last = name
      }
    }
    close(defaults)
    printf "%s", header
    skipping_header = 1
  }
  # The example header (up to the first blank line) is replaced by the package one.
  skipping_header { if ($0 == "") skipping_header = 0; else next }
  /^# ----/ { flush_comments(); print; next }
  /^#/ { pending = pending $0 "\n"; next }
  /^$/ { flush_comments(); print; next }
  /^[A-Z][A-Z0-9_]*=/ {
    name = substr($0, 1, index($0, "=") - 1)
    if (name in wanted) {
      if (note[name] != "") pending = note[name]
      flush_comments()
      emit(name, "", value[name])
      seen[name] = 1
      n = split(after[name], extras, " ")
      for (i = 1; i <= n; i++) emit(extras[i], note[extras[i]], value[extras[i]])
    } else {
      flush_comments()
      print
    }
    next
  }
  { fail(FILENAME ":" FNR ": neither a comment nor NAME=value: " $0) }
  END {
    if (failed) exit 1
    flush_comments()
    for (name in wanted) if (!(name in seen)) fail(defaults ": " name " is not in the example")
  }
' "$example" >"$out.tmp" || {
  rm -f "$out.tmp"
  exit 1
}
mv "$out.tmp" "$out"
