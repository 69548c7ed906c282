# Prints the summary table of a bench/results/<timestamp>.json (jq -r -f bench/table.jq FILE).

def pad($n): tostring | if length >= $n then . else (" " * ($n - length)) + . end;
def lpad($n): tostring | if length >= $n then . else . + (" " * ($n - length)) end;
def num: if . == null then "-" else . end;
def int: if . == null then "-" else round end;
def mb: if . == null then "-" else (. / 1024 * 10 | round) / 10 end;
def pct: if . == null then "-" else "\(. * 100 | round)%" end;
def row($cells): ([ $cells[0] | lpad(13) ] + ($cells[1:] | map(pad(8)))) | join("");

"Seat service benchmark \(.timestamp) (commit \(.commit)\(if .uncommitted_changes_in_app_conf_sql > 0 then "+changes" else "" end)); " +
"\(.machine.nproc) cores, \(.machine.mem_total_mb) MB; \(.settings.rounds) round(s) x \(.settings.duration_s) s; " +
"seatd workers \(.settings.seatd_workers), nginx workers \(.settings.nginx_workers), upstream keepalive \(.settings.upstream_keepalive); " +
"medians over rounds, counts summed",
"load at start: \(.load.loadavg_start | split(" ")[0:3] | join(" "))   at end: \(.load.loadavg_end | split(" ")[0:3] | join(" "))",
"",
row([ "scenario", "conns", "req/s", "p50 ms", "p99 ms", "2xx", "409", "4xx", "5xx", "sockerr",
      "/nginx", "/fcgi", "/db", "app RSS", "app PSS", "db RSS", "load" ]),
(.scenarios[] |
  row([ .name, .conns, (.rps | int), (.p50_ms | num), (.p99_ms | num), .s2xx, .s409, .s4xx,
        .s5xx, .socket_errors, (.vs_nginx_return | pct), (.vs_fcgi_null | pct), (.vs_db | pct),
        (.app_rss_kb | mb), (.app_pss_kb | mb), (.db_rss_kb | mb), (.load1 | num) ])),
"  (app = nginx + both seatd pools, masters and workers; RSS summed over processes, so shared",
"   library pages count once per process; PSS shares them out; MB = MiB, peak over the run)",
"",
"CPU microseconds per request or transaction, medians (client = wrk or db_ceiling; machine =",
"every process; foreign = the share of machine that was other work: high means a noisy run):",
row([ "run", "conns", "nginx", "seatd", "MariaDB", "client", "machine", "foreign" ]),
((.scenarios + .ceiling_runs + .info_runs)[] | select(.cpu_us_per_req != null) |
  row([ .name, .conns, (.cpu_us_per_req.nginx | int), (.cpu_us_per_req.seatd | int),
        (.cpu_us_per_req.mariadb | int), (.cpu_us_per_req.client | int),
        (.cpu_us_per_req.machine | int), (.cpu_us_per_req.foreign_pct | if . == null then "-" else "\(.)%" end) ])),
"",
"ceilings (req/s or tx/s, median):",
((.ceiling_runs + .info_runs)[] |
  "  \(.name | lpad(13)) \(if (.name | startswith("db-")) then "\(.conns) threads" else "\(.conns) conns" end | lpad(12)) " +
  "\(.rps | int | pad(9))   p50 \(.p50_ms | num) ms  p99 \(.p99_ms | num) ms" +
  (if (.name | startswith("db-")) then "  conflicts \(.conflicts) errors \(.errors)" else "  non-2xx \(.s4xx + .s5xx + .s409) sockerr \(.socket_errors)" end) +
  (if .kind == "info" then "  (not a ceiling: db-hold + a user lookup per tx)" else "" end)),
"  db-mixed (estimate: 80% read, 20% hold)  \(.ceilings.db_mixed_estimate | int)",
"",
"targets: \(.targets_met)/\(.targets_total) met",
(.targets[] |
  "  [\(if .met then "MET " else "MISS" end)] \(.target): " +
  (if .measured_mb != null then "\(.measured_mb) MB" + (if .pss_mb then " (PSS \(.pss_mb) MB)" else "" end)
   elif (.measured | type) == "object" then (.measured | "\(.final_ok_min)/\(.requested) served after idling, closed \(.closed_while_idle), connect failed \(.connect_failed)")
   else "\(.measured | num)" end) +
  (if .threshold != null then " (needs \(.threshold))" else "" end))
