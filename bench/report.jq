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

  # The on-sale items (issue 15): medians over the rounds, counts summed, worst memory.
  ($all | map(select(.kind == "events"))) as $ev_runs
| ($all | map(select(.kind == "onsale"))) as $os_runs
| def ph($run; $n): ($run.events.phases // [] | map(select(.name == $n)) | .[0]);
  def per_round(f): map(f) | median;
  # How much later than the admissions allowed the last seat was sold (seconds).
  def behind: .onsale.sale as $s
    | if $s.last_sale_s == null or $s.ideal_sellout_s == null then null
      else $s.last_sale_s - $s.ideal_sellout_s | r3 end;
  (if ($ev_runs | length) == 0 then null else ($ev_runs | {
      rounds: length,
      subscribers: .[0].events.subscribers, target_rate: .[0].events.rate,
      connected_min: (map(.events.connected // 0) | min),
      delivery_p50_ms: per_round(ph(.; "fixed-with").delivery.p50_ms),
      delivery_p99_ms: per_round(ph(.; "fixed-with").delivery.p99_ms),
      delivery_p99_ms_each: map(ph(.; "fixed-with").delivery.p99_ms),
      max_load_delivery_p50_ms: per_round(ph(.; "max-with").delivery.p50_ms),
      max_load_delivery_p99_ms: per_round(ph(.; "max-with").delivery.p99_ms),
      expected: sum_of([ph(.; "fixed-with"), ph(.; "max-with")] | map(.delivery.expected // 0) | add),
      missed: sum_of([ph(.; "fixed-with"), ph(.; "max-with")] | map(.delivery.missed // 0) | add),
      unmatched: sum_of(.events.unmatched_events), duplicates: sum_of(.events.duplicate_events),
      streams_closed_early: sum_of(.events.streams_closed_early),
      nginx_rss_before_mb: (map(.events.nginx_rss_kb.before) | max / 1024 | r1),
      nginx_rss_idle_with_mb: (map(.events.nginx_rss_kb.with_subscribers_idle) | max / 1024 | r1),
      nginx_growth_mb: (map(.events.nginx_rss_kb.peak_with_subscribers - .events.nginx_rss_kb.before)
                        | max / 1024 | r1),
      fixed_holds_per_s_without: per_round(ph(.; "fixed-without").holds_per_s),
      fixed_holds_per_s_with: per_round(ph(.; "fixed-with").holds_per_s),
      fixed_lock_p99_ms_without: per_round(ph(.; "fixed-without").fixed.lock.p99_ms),
      fixed_lock_p99_ms_with: per_round(ph(.; "fixed-with").fixed.lock.p99_ms),
      # "without" at max rate: the mean of the runs before and after the one with streams.
      max_holds_per_s_without: per_round([ph(.; "max-without").holds_per_s,
                                          ph(.; "max-without-2").holds_per_s]
                                         | map(select(. != null)) | if length == 0 then null else add / length end),
      max_holds_per_s_with: per_round(ph(.; "max-with").holds_per_s),
      s5xx: sum_of(.events.phases // [] | map(.s5xx) | add),
      cpu_s: (map(.events.phases // [] | map({key: .name, value: .cpu}) | from_entries))
    }) end) as $events
| (if ($os_runs | length) == 0 then null else ($os_runs | {
      rounds: length,
      users: .[0].onsale.users, queue_rate: .[0].onsale.queue_rate,
      capacity: .[0].onsale.sale.capacity,
      joins: sum_of(.onsale.joins.count),
      joins_ok: sum_of(.onsale.joins.outcomes["200"]),
      join_p50_ms: per_round(.onsale.joins.p50_ms), join_p99_ms: per_round(.onsale.joins.p99_ms),
      queue_get_p50_ms: per_round(.onsale.queue_gets.p50_ms),
      queue_get_p99_ms: per_round(.onsale.queue_gets.p99_ms),
      queue_gets: sum_of(.onsale.queue_gets.count),
      grid_p99_ms: per_round(.onsale.grids.p99_ms),
      hold_p50_ms: per_round(.onsale.holds.p50_ms), hold_p99_ms: per_round(.onsale.holds.p99_ms),
      hold_p99_ms_each: map(.onsale.holds.p99_ms),
      holds: sum_of(.onsale.holds.count),
      booking_p99_ms: per_round(.onsale.bookings.p99_ms),
      s5xx: sum_of(.onsale.s5xx), transport_errors: sum_of(.onsale.transport_errors),
      holds_before_admission_client: sum_of(.onsale.holds_before_admission),
      admitted_before_admit_at: sum_of(.onsale.admitted_before_admit_at),
      early_locks: sum_of(.onsale.early_locks.count), early_grants: sum_of(.onsale.early_grants),
      not_admitted_after_admitted: sum_of(.onsale.not_admitted_after_admitted),
      db_checked: all(.db_check.checked == true),
      db_seats_checked: sum_of(.db_check.seats_checked),
      holds_before_admission_db: sum_of(.db_check.violations),
      positions_ok: all(.onsale.positions_are_1_to_n),
      seats_sold_min: (map(.onsale.sale.seats_sold // 0) | min),
      seats_per_s: per_round(.onsale.sale.seats_per_s),
      admission_allows_seats_per_s: per_round(.onsale.sale.admission_allows_seats_per_s),
      last_sale_s: per_round(.onsale.sale.last_sale_s),
      ideal_sellout_s: per_round(.onsale.sale.ideal_sellout_s),
      admission_sellout_s: per_round(.onsale.sale.admission_sellout_s),
      sellout_behind_admissions_s: per_round(behind),
      sellout_behind_admissions_s_each: map(behind),
      booked_after_admitted_poll_p99_ms: per_round(.onsale.sale.booked_after_admitted_poll.p99_ms),
      cpu_us_per_req: {nginx: (map(.cpu.nginx_us) | median | r0),
                       seatd: (map(.cpu.seatd_us) | median | r0),
                       mariadb: (map(.cpu.mariadb_us) | median | r0),
                       client: (map(.cpu.client_us) | median | r0),
                       machine: (map(.cpu.machine_us) | median | r0),
                       foreign_pct: (map(.cpu.foreign_pct) | median | r1)},
      app_rss_kb: (map(.mem.app_rss_kb // null) | max), db_rss_kb: (map(.mem.db_rss_kb // null) | max)
    }) end) as $onsale

| ([ $conns[] as $c | (sc("reads"; $c)) as $s
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
   + [ (if ($conns | length) == 0 then empty else ("reads", "holds", "hot", "mixed") end) as $n
     | (sc($n; $max_conns)) as $s
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
   + [ if ($conns | length) == 0 then empty else . end
     | ($groups | map(select(.kind == "scenario" or .name == "fcgi-null")) | map(.app_rss_kb) | max) as $m
     | {target: "RSS nginx + seatd pools <= 40 MB under load",
        measured_mb: (if $m then $m / 1024 | r1 else null end), threshold_mb: 40,
        pss_mb: ($groups | map(select(.kind == "scenario")) | map(.app_pss_kb) | max
                 | if . then . / 1024 | r1 else null end),
        met: ($m != null and $m <= 40 * 1024)} ]
   + [ if ($conns | length) == 0 then empty else . end
     | ($groups | map(select(.kind == "scenario" and .conns == $max_conns)) | map(.total_rss_kb) | max) as $m
     | {target: "RSS nginx + seatd + MariaDB <= 300 MB at \($max_conns) connections",
        measured_mb: (if $m then $m / 1024 | r1 else null end), threshold_mb: 300,
        met: ($m != null and $m <= 300 * 1024)} ]
   + [ if ($conns | length) == 0 then empty else . end
     | (sc("holds"; $max_conns)) as $s
     | {target: "\($idle_clients) idle keep-alive clients held open during holds@\($max_conns), no errors",
        measured: $s.idle,
        met: ($s.idle != null and $s.idle.clean and $s.s5xx == 0 and $s.socket_errors == 0)} ]
   + (if $events == null then [] else [
       {target: "events: delivery p99 <= 100 ms, \($events.subscribers) subscribers, \($events.target_rate) holds/s (each released)",
        measured: $events.delivery_p99_ms, threshold: 100,
        met: ($events.delivery_p99_ms != null and $events.delivery_p99_ms <= 100)},
       {target: "events: every subscriber reads every event",
        measured: "missed \($events.missed) of \($events.expected), connected \($events.connected_min)/\($events.subscribers), closed early \($events.streams_closed_early)",
        met: ($events.missed == 0 and $events.expected > 0 and $events.connected_min == $events.subscribers
              and $events.streams_closed_early == 0)},
       {target: "events: nginx RSS grows <= 50 MB with \($events.subscribers) subscribers",
        measured_mb: $events.nginx_growth_mb, threshold_mb: 50,
        met: ($events.nginx_growth_mb != null and $events.nginx_growth_mb <= 50)},
       {target: "events: holds/s at \($events.target_rate)/s with subscribers within 10% of without",
        measured: $events.fixed_holds_per_s_with, threshold: ($events.fixed_holds_per_s_without | if . then 0.9 * . | r1 else null end),
        met: ($events.fixed_holds_per_s_with != null and $events.fixed_holds_per_s_without != null
              and $events.fixed_holds_per_s_with >= 0.9 * $events.fixed_holds_per_s_without)},
       {target: "events: holds/s at max rate with subscribers within 10% of without",
        measured: $events.max_holds_per_s_with, threshold: ($events.max_holds_per_s_without | if . then 0.9 * . | r1 else null end),
        met: ($events.max_holds_per_s_with != null and $events.max_holds_per_s_without != null
              and $events.max_holds_per_s_with >= 0.9 * $events.max_holds_per_s_without)}
     ] end)
   + (if $onsale == null then [] else [
       {target: "onsale: no hold granted before the holder's admission (client and database)",
        measured: "client \($onsale.holds_before_admission_client), admitted early \($onsale.admitted_before_admit_at), database \($onsale.holds_before_admission_db) of \($onsale.db_seats_checked) seats\(if $onsale.db_checked then "" else " (database check NOT run)" end)",
        met: ($onsale.holds_before_admission_client == 0 and $onsale.admitted_before_admit_at == 0
              and $onsale.db_checked and $onsale.holds_before_admission_db == 0)},
       {target: "onsale: hold p99 <= 50 ms", measured: $onsale.hold_p99_ms, threshold: 50,
        met: ($onsale.holds > 0 and $onsale.hold_p99_ms != null and $onsale.hold_p99_ms <= 50)},
       {target: "onsale: zero 5xx", measured: "5xx \($onsale.s5xx), transport errors \($onsale.transport_errors)",
        met: ($onsale.s5xx == 0 and $onsale.transport_errors == 0)},
       {target: "onsale: every seat sold, within 1 s of when admissions allowed it",
        measured: "sold \($onsale.seats_sold_min)/\($onsale.capacity), last sale \($onsale.last_sale_s) s after on_sale_at, admissions allowed \($onsale.ideal_sellout_s) s",
        met: ($onsale.seats_sold_min == $onsale.capacity and $onsale.sellout_behind_admissions_s != null
              and $onsale.sellout_behind_admissions_s <= 1)}
     ] end)
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
               events_subscribers: $events_subscribers, events_rate: $events_rate,
               events_max_conns: $events_max_conns, onsale_users: $onsale_users,
               onsale_queue_rate: $onsale_queue_rate, onsale_connections: $onsale_connections,
               elapsed_s: $elapsed},
    ceilings: {
      nginx_return: ($groups | map(select(.name == "nginx-return")) | map({key: "\(.conns)", value: .rps}) | from_entries),
      fcgi_null: ($groups | map(select(.name == "fcgi-null")) | map({key: "\(.conns)", value: .rps}) | from_entries),
      db_read: $db_read, db_hold: $db_hold, db_hot: $db_hot, db_mixed_estimate: $db_mixed
    },
    scenarios: $scenarios,
    events: $events,
    onsale: $onsale,
    ceiling_runs: ($groups | map(select(.kind == "ceiling"))),
    info_runs: ($groups | map(select(.kind == "info"))),
    targets: $targets,
    targets_met: ($targets | map(select(.met)) | length),
    targets_total: ($targets | length),
    runs: $all
  }
