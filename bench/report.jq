# Builds bench/results/<timestamp>.json from the runs of one bench/run (--slurpfile runs)
# and the settings passed with --arg/--argjson: medians per scenario and connection count,
# ratios to the ceilings, and the targets of the performance issue, each met or not.

def median: map(select(. != null)) | sort |
  if length == 0 then null
  elif length % 2 == 1 then .[(length - 1) / 2]
  else (.[length / 2 - 1] + .[length / 2]) / 2 end;
def r0: if . == null then null else round end;
def r1: if . == null then null else (. * 10 | round) / 10 end;
def r3: if . == null then null else (. * 1000 | round) / 1000 end;
def ratio($a; $b): if $a == null or $b == null or $b == 0 then null else ($a / $b | r3) end;
def sum_of(f): map(f // 0) | add // 0;

$runs as $all
| ($all | map(.conns) | map(select(. != null))) as $_
| ($all | map(select(.kind == "scenario")) | map(.conns) | unique) as $conns
| ($conns | max) as $max_conns
| ($conns | min) as $min_conns

# Medians per (name, conns); counts summed over the rounds.
| ($all | group_by([.name, .conns]) | map({
      name: .[0].name, kind: .[0].kind, conns: .[0].conns, rounds: length,
      rps: (map(.rps) | median | r1),
      rps_each: map(.rps | r1),
      p50_ms: (map(.p50_ms) | median | r3),
      p99_ms: (map(.p99_ms) | median | r3),
      s2xx: sum_of(.s2xx), s409: sum_of(.s409), s4xx: sum_of(.s4xx), s5xx: sum_of(.s5xx),
      socket_errors: sum_of(.socket_errors), errors: sum_of(.errors), conflicts: sum_of(.conflicts),
      app_rss_kb: (map(.mem.app_rss_kb // null) | max),
      app_pss_kb: (map(.mem.app_pss_kb // null) | max),
      db_rss_kb: (map(.mem.db_rss_kb // null) | max),
      total_rss_kb: (map(.mem.total_rss_kb // null) | max),
      load1: (map(.load1) | median | r3),
      # With an even number of rounds a median is a mean: round it like the rest.
      cpu_us_per_req: {nginx: (map(.cpu.nginx_us) | median | r0),
                       seatd: (map(.cpu.seatd_us) | median | r0),
                       mariadb: (map(.cpu.mariadb_us) | median | r0),
                       client: (map(.cpu.client_us) | median | r0),
                       machine: (map(.cpu.machine_us) | median | r0),
                       foreign_pct: (map(.cpu.foreign_pct) | median | r1)},
      idle: (map(.idle // empty) | if length == 0 then null else {
        runs: length, clean: all(.clean), requested: .[0].requested,
        final_ok_min: (map(.final_ok) | min),
        closed_while_idle: sum_of(.closed_while_idle),
        connect_failed: sum_of(.connect_failed)} end)
    })) as $groups

| def g($name; $c): ($groups | map(select(.name == $name and (.conns == $c or $c == null))) | .[0]);
  def ceil_rps($name; $c): (g($name; $c) // {}).rps;
  (ceil_rps("db-read"; null)) as $db_read
| (ceil_rps("db-hold"; null)) as $db_hold
| (ceil_rps("db-hot"; null)) as $db_hot
# Mixed: 80% reads + 20% hold-class transactions (bookings are a little heavier: an estimate).
| (if $db_read and $db_hold and $db_read > 0 and $db_hold > 0
     then 1 / (0.8 / $db_read + 0.2 / $db_hold) | r1 else null end) as $db_mixed

| ($groups | map(select(.kind == "scenario")) | map(
    . as $s
    | ({reads: $db_read, holds: $db_hold, hot: $db_hot, mixed: $db_mixed}[$s.name]) as $dbc
    | . + {
        vs_nginx_return: ratio($s.rps; ceil_rps("nginx-return"; $s.conns)),
        vs_fcgi_null: ratio($s.rps; ceil_rps("fcgi-null"; $s.conns)),
        vs_db: ratio($s.rps; $dbc),
        db_ceiling: $dbc
      }) | sort_by([({reads: 0, holds: 1, hot: 2, mixed: 3}[.name]), .conns])) as $scenarios

| def sc($name; $c): ($scenarios | map(select(.name == $name and .conns == $c)) | .[0]);

  ([ $conns[] as $c | (sc("reads"; $c)) as $s
     | ([ceil_rps("fcgi-null"; $c), $db_read] | map(select(. != null)) | min) as $cap
     | {target: "reads@\($c) >= 0.6 x min(fcgi-null, db-read)",
        measured: $s.rps, threshold: (if $cap then 0.6 * $cap | r1 else null end),
        met: ($s.rps != null and $cap != null and $s.rps >= 0.6 * $cap)} ]
   + [ $conns[] as $c | (sc("holds"; $c)) as $s
     | {target: "holds@\($c) >= 0.7 x db-hold",
        measured: $s.rps, threshold: (if $db_hold then 0.7 * $db_hold | r1 else null end),
        met: ($s.rps != null and $db_hold != null and $s.rps >= 0.7 * $db_hold)} ]
   + [ $conns[] as $c | (sc("hot"; $c)) as $s
     | {target: "hot@\($c) >= 0.9 x db-hot",
        measured: $s.rps, threshold: (if $db_hot then 0.9 * $db_hot | r1 else null end),
        met: ($s.rps != null and $db_hot != null and $s.rps >= 0.9 * $db_hot)} ]
   + [ ("reads", "holds", "hot", "mixed") as $n | (sc($n; $max_conns)) as $s
     | {target: "\($n)@\($max_conns): no 5xx, no socket errors",
        measured: "5xx \($s.s5xx), socket errors \($s.socket_errors)",
        met: ($s != null and $s.s5xx == 0 and $s.socket_errors == 0)} ]
   + (if $max_conns != $min_conns then
       [ ("reads", "holds", "hot", "mixed") as $n
         | (sc($n; $max_conns)) as $hi | (sc($n; $min_conns)) as $lo
         | {target: "\($n)@\($max_conns) throughput >= \($n)@\($min_conns)",
            measured: $hi.rps, threshold: $lo.rps,
            met: ($hi.rps != null and $lo.rps != null and $hi.rps >= $lo.rps)} ]
     else [] end)
   + [ ($groups | map(select(.kind == "scenario" or .name == "fcgi-null")) | map(.app_rss_kb) | max) as $m
     | {target: "RSS nginx + seatd pools <= 40 MB under load",
        measured_mb: (if $m then $m / 1024 | r1 else null end), threshold_mb: 40,
        pss_mb: ($groups | map(select(.kind == "scenario")) | map(.app_pss_kb) | max
                 | if . then . / 1024 | r1 else null end),
        met: ($m != null and $m <= 40 * 1024)} ]
   + [ ($groups | map(select(.kind == "scenario" and .conns == $max_conns)) | map(.total_rss_kb) | max) as $m
     | {target: "RSS nginx + seatd + MariaDB <= 300 MB at \($max_conns) connections",
        measured_mb: (if $m then $m / 1024 | r1 else null end), threshold_mb: 300,
        met: ($m != null and $m <= 300 * 1024)} ]
   + [ (sc("holds"; $max_conns)) as $s
     | {target: "\($idle_clients) idle keep-alive clients held open during holds@\($max_conns), no errors",
        measured: $s.idle,
        met: ($s.idle != null and $s.idle.clean and $s.s5xx == 0 and $s.socket_errors == 0)} ]
  ) as $targets

| {
    timestamp: $stamp,
    commit: $commit,
    uncommitted_changes_in_app_conf_sql: ($dirty | tonumber),
    machine: {nproc: $nproc, mem_total_mb: ($mem_kb / 1024 | floor), cpu: $cpu, kernel: $kernel,
              nginx: $nginx, mariadb: $mariadb, wrk: $wrk},
    load: {uptime_at_start: $uptime, loadavg_start: $loadavg_start, loadavg_end: $loadavg_end},
    settings: {rounds: $rounds, duration_s: $duration, quick: ($quick == 1), connections: $conns,
               seatd_workers: $workers, login_workers: $login_workers, wrk_threads: $wrk_threads,
               nginx_workers: $nginx_workers, upstream_keepalive: $upstream_keepalive,
               idle_clients: $idle_clients, hold_seconds: 600, login_rate: 0, api_rate: 0,
               elapsed_s: $elapsed},
    ceilings: {
      nginx_return: ($groups | map(select(.name == "nginx-return")) | map({key: "\(.conns)", value: .rps}) | from_entries),
      fcgi_null: ($groups | map(select(.name == "fcgi-null")) | map({key: "\(.conns)", value: .rps}) | from_entries),
      db_read: $db_read, db_hold: $db_hold, db_hot: $db_hot, db_mixed_estimate: $db_mixed
    },
    scenarios: $scenarios,
    ceiling_runs: ($groups | map(select(.kind == "ceiling"))),
    info_runs: ($groups | map(select(.kind == "info"))),
    targets: $targets,
    targets_met: ($targets | map(select(.met)) | length),
    targets_total: ($targets | length),
    runs: $all
  }
