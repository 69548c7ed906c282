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
(if .events then .events as $e |
  "",
  "events (\($e.rounds) round(s); \($e.subscribers) SSE subscribers on one show, \($e.target_rate) holds/s there, each released at once):",
  "  connected \($e.connected_min)/\($e.subscribers) (fewest in a round); events missed \($e.missed) of \($e.expected); unmatched \($e.unmatched), duplicates \($e.duplicates), streams closed early \($e.streams_closed_early)",
  "  delivery after the change's answer: p50 \($e.delivery_p50_ms | num) ms, p99 \($e.delivery_p99_ms | num) ms (with max-rate holds beside: p50 \($e.max_load_delivery_p50_ms | num), p99 \($e.max_load_delivery_p99_ms | num) ms)",
  "  nginx RSS: \($e.nginx_rss_before_mb) MB before, \($e.nginx_rss_idle_with_mb) MB with the streams idle, growth at peak \($e.nginx_growth_mb) MB",
  "  holds/s at \($e.target_rate)/s: \($e.fixed_holds_per_s_without | num) without, \($e.fixed_holds_per_s_with | num) with (lock p99 \($e.fixed_lock_p99_ms_without | num) / \($e.fixed_lock_p99_ms_with | num) ms)",
  "  holds/s at max rate: \($e.max_holds_per_s_without | num) without (mean of before and after), \($e.max_holds_per_s_with | num) with"
 else empty end),
(if .onsale then .onsale as $o |
  "",
  "onsale (\($o.rounds) round(s); \($o.users) users, a \($o.capacity)-seat show, queue_rate \($o.queue_rate)/s):",
  "  joins \($o.joins) (200: \($o.joins_ok)): p50 \($o.join_p50_ms | num) ms, p99 \($o.join_p99_ms | num) ms;  GET queue \($o.queue_gets): p50 \($o.queue_get_p50_ms | num), p99 \($o.queue_get_p99_ms | num) ms",
  "  holds \($o.holds): p50 \($o.hold_p50_ms | num) ms, p99 \($o.hold_p99_ms | num) ms;  grid p99 \($o.grid_p99_ms | num) ms;  booking p99 \($o.booking_p99_ms | num) ms;  5xx \($o.s5xx), transport errors \($o.transport_errors)",
  "  before admission: holds \($o.holds_before_admission_client) (client), \($o.holds_before_admission_db) of \($o.db_seats_checked) seats (database); admitted early \($o.admitted_before_admit_at); impatient locks \($o.early_locks), granted \($o.early_grants)",
  "  sold \($o.seats_sold_min)/\($o.capacity) (fewest in a round) at \($o.seats_per_s | num) seats/s, last \($o.last_sale_s | num) s after on_sale_at; admissions allowed the sell-out at \($o.ideal_sellout_s | num) s as the page asks (\($o.admission_sellout_s | num) s by admit_at alone; \($o.admission_allows_seats_per_s | num) seats/s)",
  "  CPU us per request: nginx \($o.cpu_us_per_req.nginx), seatd \($o.cpu_us_per_req.seatd), MariaDB \($o.cpu_us_per_req.mariadb), client \($o.cpu_us_per_req.client), machine \($o.cpu_us_per_req.machine), foreign \($o.cpu_us_per_req.foreign_pct)%"
 else empty end),
"",
"targets: \(.targets_met)/\(.targets_total) met",
(.targets[] |
  "  [\(if .met then "MET " else "MISS" end)] \(.target): " +
  (if .measured_mb != null then "\(.measured_mb) MB" + (if .pss_mb then " (PSS \(.pss_mb) MB)" else "" end)
   elif (.measured | type) == "object" then (.measured | "\(.final_ok_min)/\(.requested) served after idling, closed \(.closed_while_idle), connect failed \(.connect_failed)")
   else "\(.measured | num)" end) +
  (if .threshold != null then " (needs \(.threshold))" else "" end))
