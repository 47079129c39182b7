# Turns `go tool pprof -raw PROFILE` into one line per sample: its values, then each frame of its stack
# (address, function, file:line; inlined frames joined by " | "), leaf first. Mapping IDs are left out.
# Used by crosscheck.sh, which sorts the lines: a profile's sample order carries no meaning.
/^Samples:/   { mode = "s"; next }
/^Locations/  { mode = "l"; next }
/^Mappings/   { mode = ""; next }
mode == "s" && /^ *[0-9]+ +[0-9]+: / {
  line = $0; sub(/^ +/, "", line); split(line, parts, ": ")
  n++; vals[n] = parts[1]; ids[n] = parts[2]; next
}
mode == "s" && /^ +[0-9 ]+$/ && n > 0 { ids[n] = ids[n] " " $0; next }
mode == "l" && /^ +[0-9]+: / {
  id = $1; sub(/:$/, "", id); rest = $0; sub(/^ +[0-9]+: +/, "", rest); sub(/ M=[0-9]+/, "", rest)
  loc[id] = rest; last = id; next
}
mode == "l" && NF > 0 { s = $0; sub(/^ +/, "", s); loc[last] = loc[last] " | " s; next }
END {
  for (i = 1; i <= n; i++) {
    k = split(ids[i], a, " "); line = vals[i]
    for (j = 1; j <= k; j++) line = line " ; " loc[a[j]]
    gsub(/ +/, " ", line); print line
  }
}
