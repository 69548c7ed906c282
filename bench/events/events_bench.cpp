// The `events` scenario of bench/run: SUBSCRIBERS Server-Sent-Events streams on one show
// (GET /api/v1/shows/:id/events, served by nginx + nchan) while this same process holds and
// releases that show's seats at a fixed rate, and says whether every subscriber read every
// change, how long after the change's answer, and what the streams cost nginx.
//
//   events_bench --url URL --show ID --seats LO-HI --users FILE [options]
//
// Every "hold" is a PATCH /seats/:id/lock on the next free seat of LO-HI (seat s by the
// user on line (s mod N) + 1 of FILE, "USER_ID TOKEN" lines, as bench/lua/seats.lua), and as
// soon as its 200 is back, the DELETE of the same seat by the same user: two changes, two
// events. A seat is taken again only after its release has been answered.
//
// Phases, in order (each --seconds long; RATE holds/s on the events show in every one):
//   fixed-without   no subscribers
//   max-without     plus MAX_CONNS closed-loop lock + release pairs on random seats of
//                   --max-seats (other shows: no subscriber listens there), as fast as they go
//   (connect)       SUBSCRIBERS streams, --connect-rate a second; every one must answer 200
//   fixed-with      as fixed-without, with every subscriber reading
//   max-with        as max-without, with every subscriber reading
//   (disconnect)
//   max-without-2   max-without again, so the "without" figure brackets the "with" one
// Delivery time: from the moment this process had the change's answer to the moment a
// subscriber's stream handed this process the event (same thread, same steady clock),
// events matched to changes in each seat's order of changes, by status (+ expires_at for
// LOCKED). A worker publishes before it answers (and nchan hands the event to the streams of
// its nginx worker before it acknowledges), so an event may be read before the answer: that
// delivery counts as 0 ms late and is counted in "read_before_answer".
//
// Options: --subscribers N (5000) --rate HOLDS_PER_S (20) --seconds S (10) --max-conns C
//   (64) --max-seats LO-HI (none: no max phases) --connect-rate N (1000) --drain S (2)
//   --pids NAME=PID,PID... (repeatable: CPU and VmRSS of those processes per phase; the
//   group named nginx is the one whose growth is reported). Prints one JSON object.
#include <jansson.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <fstream>
#include <map>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <unordered_map>
#include <vector>

#include "../lib/curl_loop.hpp"
#include "../lib/sse_stream.hpp"

namespace {

using bench::Clock;
using bench::CurlLoop;
using bench::Exchange;
using bench::JsonPtr;
using bench::RequestSpec;
using bench::Samples;

struct Options {
  std::string url;
  int64_t show = 0;
  int64_t seat_lo = 0, seat_hi = 0;
  int64_t max_seat_lo = 0, max_seat_hi = 0;
  std::vector<std::string> tokens;
  int subscribers = 5000;
  double rate = 20;
  double seconds = 10;
  int max_conns = 64;
  double connect_rate = 1000;
  double drain = 2;
  std::vector<std::pair<std::string, std::vector<int>>> pid_groups;
};

[[noreturn]] void usage(const char* why) {
  std::fprintf(stderr,
               "events_bench: %s\nusage: events_bench --url URL --show ID --seats LO-HI --users "
               "FILE [--subscribers N] [--rate R] [--seconds S] [--max-conns C] "
               "[--max-seats LO-HI] [--connect-rate N] [--drain S] [--pids NAME=PID,...]\n",
               why);
  std::exit(2);
}

bool parse_range(const char* text, int64_t& lo, int64_t& hi) {
  return std::sscanf(text, "%ld-%ld", &lo, &hi) == 2 && lo > 0 && hi >= lo;
}

Options parse_options(int argc, char** argv) {
  Options o;
  std::string users_file;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (i + 1 >= argc) usage(("missing value for " + arg).c_str());
    const char* v = argv[++i];
    if (arg == "--url") {
      o.url = v;
    } else if (arg == "--show") {
      o.show = std::atol(v);
    } else if (arg == "--seats") {
      if (!parse_range(v, o.seat_lo, o.seat_hi)) usage("--seats needs LO-HI");
    } else if (arg == "--max-seats") {
      if (!parse_range(v, o.max_seat_lo, o.max_seat_hi)) usage("--max-seats needs LO-HI");
    } else if (arg == "--users") {
      users_file = v;
    } else if (arg == "--subscribers") {
      o.subscribers = std::atoi(v);
    } else if (arg == "--rate") {
      o.rate = std::atof(v);
    } else if (arg == "--seconds") {
      o.seconds = std::atof(v);
    } else if (arg == "--max-conns") {
      o.max_conns = std::atoi(v);
    } else if (arg == "--connect-rate") {
      o.connect_rate = std::atof(v);
    } else if (arg == "--drain") {
      o.drain = std::atof(v);
    } else if (arg == "--pids") {
      const char* eq = std::strchr(v, '=');
      if (eq == nullptr) usage("--pids needs NAME=PID,PID...");
      o.pid_groups.emplace_back(std::string(v, eq), bench::parse_pids(eq + 1));
    } else {
      usage(("unknown option " + arg).c_str());
    }
  }
  if (o.url.empty() || o.show <= 0 || o.seat_lo == 0 || users_file.empty()) {
    usage("--url, --show, --seats and --users are needed");
  }
  if (o.subscribers < 0 || o.rate <= 0 || o.seconds <= 0 || o.max_conns < 1) {
    usage("bad number");
  }
  std::ifstream in(users_file);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    int64_t id = 0;
    std::string token;
    if (fields >> id >> token) o.tokens.push_back(token);
  }
  if (o.tokens.empty()) usage("no users in the users file");
  return o;
}

// One change this process made to a seat of the events show: what each subscriber must
// see, and when the answer came.
struct Change {
  int64_t seat = 0;
  bool locked = false;  // LOCKED (a hold) or AVAILABLE (its release)
  std::string expires_at;
  size_t phase = 0;
  bool answered = false;
  Clock::time_point answer_time;
  std::vector<uint64_t> seen;  // one bit per subscriber
  // Deliveries read before the answer: (subscriber, time, the event's expires_at).
  struct Early {
    int subscriber;
    Clock::time_point at;
    std::string expires_at;
  };
  std::vector<Early> early;
};

struct Subscriber {
  std::unique_ptr<bench::SseStream> stream;
  std::string pending;  // bytes after the last complete line
  std::string data;     // the event being read (data: lines joined)
  bool ready = false;
  bool closed = false;
  uint64_t events = 0;
};

struct SeatUpdate {
  int64_t seat;
  bool locked;
  std::string expires_at;
};

// What one phase measured.
struct Phase {
  std::string name;
  bool with_subscribers = false;
  bool max_load = false;
  Clock::time_point start, end;
  uint64_t fixed_holds = 0, fixed_releases = 0, fixed_failed = 0, fixed_skipped = 0;
  uint64_t max_holds = 0, max_releases = 0, max_conflicts = 0, max_failed = 0;
  uint64_t s5xx = 0, transport_errors = 0;
  Samples fixed_lock_ms, fixed_release_ms, max_lock_ms;
  Samples delivery_ms;
  uint64_t expected = 0, received = 0, read_before_answer = 0;
  double client_cpu = 0;
  std::vector<double> group_cpu;
  std::vector<long> group_rss_end, group_rss_peak;
  std::string first_error;
};

class EventsBench {
 public:
  explicit EventsBench(Options options) : o_(std::move(options)), loop_(0) {
    seat_busy_.assign(static_cast<size_t>(o_.seat_hi - o_.seat_lo + 1), false);
    seat_changes_.resize(seat_busy_.size());
    subs_.resize(static_cast<size_t>(o_.subscribers));
    cursors_.assign(subs_.size() * seat_changes_.size(), 0);
  }

  int run();

 private:
  const std::string& token_for(int64_t seat) const {
    return o_.tokens[static_cast<size_t>(seat % static_cast<int64_t>(o_.tokens.size()))];
  }
  std::string lock_url(int64_t seat) const {
    return o_.url + "/api/v1/seats/" + std::to_string(seat) + "/lock";
  }
  void note_answer(Phase& phase, const Exchange& ex);
  void run_phase(Phase& phase);
  bool is_open(const Phase& phase) const { return phase_open_ && &phase == &phases_.back(); }
  void fixed_tick(Phase& phase, uint64_t k);
  void fixed_pair(Phase& phase, int64_t seat);
  void max_pair(Phase& phase);
  void sample_memory(Phase& phase);
  bool connect_subscribers(json_t* out);
  void disconnect_subscribers();
  void on_stream_data(int index, const char* data, size_t n);
  void on_event(int index, const std::string& data, Clock::time_point at);
  const std::vector<SeatUpdate>* parse_event(const std::string& data);
  void deliver(Change& change, int subscriber, Clock::time_point at);
  size_t current_phase() const { return phases_.size() - 1; }
  json_t* phase_json(Phase& phase);

  Options o_;
  CurlLoop loop_;
  std::vector<bool> seat_busy_;
  std::vector<std::vector<size_t>> seat_changes_;  // per seat, indices into changes_
  // Per subscriber and seat: how far into seat_changes_ that stream has read.
  std::vector<uint32_t> cursors_;
  std::deque<Change> changes_;
  std::vector<Subscriber> subs_;
  std::deque<Phase> phases_;
  bool phase_open_ = false;
  int64_t next_seat_ = 0;
  std::mt19937_64 rng_{0x5eed};
  size_t ready_ = 0;
  uint64_t in_flight_ = 0;
  uint64_t unmatched_events_ = 0, duplicate_events_ = 0, streams_closed_ = 0;
  uint64_t connect_failed_ = 0;
  std::map<long, uint64_t> connect_statuses_;
  std::unordered_map<std::string, std::vector<SeatUpdate>> parsed_;
};

void EventsBench::note_answer(Phase& phase, const Exchange& ex) {
  if (ex.status == 0) {
    ++phase.transport_errors;
    if (phase.first_error.empty()) phase.first_error = curl_easy_strerror(ex.result);
  } else if (ex.status >= 500) {
    ++phase.s5xx;
    if (phase.first_error.empty()) {
      phase.first_error = std::to_string(ex.status) + " " + ex.response_body.substr(0, 200);
    }
  }
}

// The next hold of the fixed-rate driver: the next seat in rotation that is not in a
// hold/release pair already.
void EventsBench::fixed_tick(Phase& phase, uint64_t k) {
  if (!is_open(phase)) return;
  int64_t count = static_cast<int64_t>(seat_busy_.size());
  int64_t seat = -1;
  for (int64_t tries = 0; tries < count; ++tries) {
    int64_t candidate = next_seat_;
    next_seat_ = (next_seat_ + 1) % count;
    if (!seat_busy_[static_cast<size_t>(candidate)]) {
      seat = candidate;
      break;
    }
  }
  if (seat < 0) {
    ++phase.fixed_skipped;
  } else {
    fixed_pair(phase, o_.seat_lo + seat);
  }
  // Absolute times (start + k / rate), so a slow tick does not slow the rate.
  auto next = phase.start + std::chrono::nanoseconds(
                                static_cast<int64_t>(static_cast<double>(k + 1) * 1e9 / o_.rate));
  loop_.at(next, [this, &phase, k] { fixed_tick(phase, k + 1); });
}

void EventsBench::fixed_pair(Phase& phase, int64_t seat) {
  size_t slot = static_cast<size_t>(seat - o_.seat_lo);
  seat_busy_[slot] = true;
  ++in_flight_;
  auto register_change = [this, slot, seat, &phase](bool locked) {
    Change c;
    c.seat = seat;
    c.locked = locked;
    c.phase = current_phase();
    if (phase.with_subscribers) c.seen.assign((subs_.size() + 63) / 64, 0);
    changes_.push_back(std::move(c));
    seat_changes_[slot].push_back(changes_.size() - 1);
    return changes_.size() - 1;
  };
  size_t lock_change = register_change(true);
  RequestSpec spec{"PATCH", lock_url(seat), token_for(seat), "", {}, 30000};
  loop_.start(spec, [this, &phase, slot, seat, lock_change, register_change](Exchange& ex) {
    note_answer(phase, ex);
    Change& change = changes_[lock_change];
    if (ex.status != 200) {
      ++phase.fixed_failed;
      change.phase = SIZE_MAX;  // no event to expect
      seat_busy_[slot] = false;
      --in_flight_;
      return;
    }
    phase.fixed_lock_ms.add(ex.elapsed_ms());
    ++phase.fixed_holds;
    JsonPtr body = bench::parse_json(ex.response_body);
    const char* expires =
        body ? json_string_value(json_object_get(body.get(), "expires_at")) : nullptr;
    change.expires_at = expires != nullptr ? expires : "";
    change.answered = true;
    change.answer_time = ex.finished;
    for (const Change::Early& e : change.early) {
      if (e.expires_at == change.expires_at) {
        deliver(change, e.subscriber, e.at);
      } else {
        ++unmatched_events_;
      }
    }
    change.early.clear();
    size_t release_change = register_change(false);
    RequestSpec release{"DELETE", lock_url(seat), token_for(seat), "", {}, 30000};
    loop_.start(release, [this, &phase, slot, release_change](Exchange& rex) {
      note_answer(phase, rex);
      Change& rc = changes_[release_change];
      seat_busy_[slot] = false;
      --in_flight_;
      if (rex.status != 200) {
        ++phase.fixed_failed;
        rc.phase = SIZE_MAX;
        return;
      }
      phase.fixed_release_ms.add(rex.elapsed_ms());
      ++phase.fixed_releases;
      rc.answered = true;
      rc.answer_time = rex.finished;
      for (const Change::Early& e : rc.early) deliver(rc, e.subscriber, e.at);
      rc.early.clear();
    });
  });
}

// One closed-loop lock + release pair of the max-rate load; starts the next when done.
void EventsBench::max_pair(Phase& phase) {
  if (!is_open(phase)) return;
  std::uniform_int_distribution<int64_t> pick(o_.max_seat_lo, o_.max_seat_hi);
  int64_t seat = pick(rng_);
  ++in_flight_;
  RequestSpec spec{"PATCH", lock_url(seat), token_for(seat), "", {}, 30000};
  loop_.start(spec, [this, &phase, seat](Exchange& ex) {
    note_answer(phase, ex);
    bool counts = ex.finished <= phase.end;
    if (ex.status == 200) {
      if (counts) ++phase.max_holds;
      phase.max_lock_ms.add(ex.elapsed_ms());
    } else if (ex.status == 409) {
      ++phase.max_conflicts;
    } else {
      ++phase.max_failed;
    }
    RequestSpec release{"DELETE", lock_url(seat), token_for(seat), "", {}, 30000};
    loop_.start(release, [this, &phase](Exchange& rex) {
      note_answer(phase, rex);
      if (rex.status == 200 && rex.finished <= phase.end) ++phase.max_releases;
      if (rex.status != 200 && rex.status != 409) ++phase.max_failed;
      --in_flight_;
      max_pair(phase);
    });
  });
}

void EventsBench::sample_memory(Phase& phase) {
  for (size_t g = 0; g < o_.pid_groups.size(); ++g) {
    long rss = bench::rss_kb_of(o_.pid_groups[g].second);
    phase.group_rss_peak[g] = std::max(phase.group_rss_peak[g], rss);
    phase.group_rss_end[g] = rss;
  }
}

void EventsBench::run_phase(Phase& phase) {
  size_t groups = o_.pid_groups.size();
  phase.group_cpu.assign(groups, 0);
  phase.group_rss_end.assign(groups, 0);
  phase.group_rss_peak.assign(groups, 0);
  std::vector<double> cpu_before(groups);
  for (size_t g = 0; g < groups; ++g)
    cpu_before[g] = bench::cpu_seconds_of(o_.pid_groups[g].second);
  double client_before = bench::own_cpu_seconds();
  phase.start = Clock::now();
  phase.end = phase.start + std::chrono::nanoseconds(static_cast<int64_t>(o_.seconds * 1e9));
  phase_open_ = true;
  loop_.at(phase.start, [this, &phase] { fixed_tick(phase, 0); });
  if (phase.max_load) {
    for (int i = 0; i < o_.max_conns; ++i) max_pair(phase);
  }
  for (auto t = phase.start; t < phase.end; t += std::chrono::milliseconds(500)) {
    loop_.at(t, [this, &phase] { sample_memory(phase); });
  }
  loop_.at(phase.end, [this] {
    phase_open_ = false;
    loop_.stop();
  });
  loop_.run_until(phase.end + std::chrono::seconds(60));
  for (size_t g = 0; g < groups; ++g) {
    phase.group_cpu[g] = bench::cpu_seconds_of(o_.pid_groups[g].second) - cpu_before[g];
  }
  phase.client_cpu = bench::own_cpu_seconds() - client_before;
  sample_memory(phase);
  // Let the requests still running finish (they are not counted), then the deliveries.
  auto deadline = Clock::now() + std::chrono::seconds(30);
  while (in_flight_ > 0 && Clock::now() < deadline) {
    loop_.run_until(std::min(deadline, Clock::now() + std::chrono::milliseconds(20)));
  }
  if (phase.with_subscribers) {
    loop_.run_until(Clock::now() + std::chrono::nanoseconds(static_cast<int64_t>(o_.drain * 1e9)));
  }
}

const std::vector<SeatUpdate>* EventsBench::parse_event(const std::string& data) {
  // All subscribers read the same text: parse it once.
  if (auto known = parsed_.find(data); known != parsed_.end()) return &known->second;
  if (parsed_.size() > 4096) parsed_.clear();
  std::vector<SeatUpdate> updates;
  JsonPtr doc = bench::parse_json(data);
  json_t* seats = doc ? json_object_get(doc.get(), "seats") : nullptr;
  size_t i = 0;
  json_t* seat = nullptr;
  json_array_foreach(seats, i, seat) {
    const char* status = json_string_value(json_object_get(seat, "status"));
    const char* expires = json_string_value(json_object_get(seat, "expires_at"));
    if (status == nullptr) continue;
    updates.push_back({json_integer_value(json_object_get(seat, "id")),
                       std::strcmp(status, "LOCKED") == 0, expires != nullptr ? expires : ""});
  }
  return &parsed_.emplace(data, std::move(updates)).first->second;
}

void EventsBench::deliver(Change& change, int subscriber, Clock::time_point at) {
  uint64_t& word = change.seen[static_cast<size_t>(subscriber) / 64];
  uint64_t bit = uint64_t{1} << (subscriber % 64);
  if (word & bit) {
    ++duplicate_events_;
    return;
  }
  word |= bit;
  Phase& phase = phases_[change.phase];
  ++phase.received;
  double ms = bench::ms_between(change.answer_time, at);
  if (ms < 0) {
    ++phase.read_before_answer;
    ms = 0;
  }
  phase.delivery_ms.add(ms);
}

void EventsBench::on_event(int index, const std::string& data, Clock::time_point at) {
  ++subs_[static_cast<size_t>(index)].events;
  const std::vector<SeatUpdate>* updates = parse_event(data);
  if (updates->empty()) {
    ++unmatched_events_;
    return;
  }
  for (const SeatUpdate& u : *updates) {
    if (u.seat < o_.seat_lo || u.seat > o_.seat_hi) {
      ++unmatched_events_;
      continue;
    }
    size_t slot = static_cast<size_t>(u.seat - o_.seat_lo);
    const std::vector<size_t>& list = seat_changes_[slot];
    // One seat's changes are made one after the other (the next starts after the previous
    // was answered, and its worker published before answering), so each stream should
    // read them in the order they were made: the first fitting change after this stream's
    // last match is the one. Changes it passes over count as missed, and an event that came
    // after a later change's (out of order) as unmatched.
    uint32_t& cursor = cursors_[static_cast<size_t>(index) * seat_changes_.size() + slot];
    Change* match = nullptr;
    for (size_t k = cursor; k < list.size() && match == nullptr; ++k) {
      Change& c = changes_[list[k]];
      if (c.locked != u.locked || c.phase == SIZE_MAX || c.seen.empty()) continue;
      if (c.locked && c.answered && c.expires_at != u.expires_at) continue;
      match = &c;
      cursor = static_cast<uint32_t>(k + 1);
    }
    if (match == nullptr) {
      ++unmatched_events_;
    } else if (match->answered) {
      deliver(*match, index, at);
    } else {
      match->early.push_back({index, at, u.expires_at});
    }
  }
}

// Splits the stream into lines and events (the text/event-stream format of the HTML
// standard: "field: value" lines, a blank line ends an event, lines starting with ':' are
// comments). Only `data` matters here; nchan's `id` is not needed to match changes.
void EventsBench::on_stream_data(int index, const char* data, size_t n) {
  Subscriber& sub = subs_[static_cast<size_t>(index)];
  if (sub.stream != nullptr && sub.stream->status() != 200) return;  // an error body
  Clock::time_point at = Clock::now();
  sub.pending.append(data, n);
  size_t start = 0;
  while (true) {
    size_t nl = sub.pending.find('\n', start);
    if (nl == std::string::npos) break;
    size_t end = nl;
    if (end > start && sub.pending[end - 1] == '\r') --end;
    std::string_view line(sub.pending.data() + start, end - start);
    start = nl + 1;
    if (line.empty()) {
      if (!sub.data.empty()) on_event(index, sub.data, at);
      sub.data.clear();
    } else if (line.front() != ':' && line.substr(0, 5) == "data:") {
      std::string_view value = line.substr(5);
      if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
      if (!sub.data.empty()) sub.data += '\n';
      sub.data.append(value);
    }
  }
  sub.pending.erase(0, start);
}

bool EventsBench::connect_subscribers(json_t* out) {
  auto started = Clock::now();
  std::string url = o_.url + "/api/v1/shows/" + std::to_string(o_.show) + "/events";
  for (size_t i = 0; i < subs_.size(); ++i) {
    auto when = started + std::chrono::nanoseconds(
                              static_cast<int64_t>(static_cast<double>(i) * 1e9 / o_.connect_rate));
    loop_.at(when, [this, i, url] {
      int index = static_cast<int>(i);
      bench::SseStream::Handlers handlers;
      handlers.on_headers = [this, i](long status) {
        if (status == 200) {
          subs_[i].ready = true;
          ++ready_;
          return;
        }
        // A refusal (its body, if any, is of no use): counted, and the connection closed,
        // as nginx would keep it open for the next request.
        ++connect_failed_;
        ++connect_statuses_[status];
        subs_[i].closed = true;
        subs_[i].stream->close();
      };
      handlers.on_body = [this, index](const char* d, size_t n) { on_stream_data(index, d, n); };
      handlers.on_closed = [this, i] {
        subs_[i].closed = true;
        ++streams_closed_;
        if (!subs_[i].ready) {
          ++connect_failed_;
          ++connect_statuses_[subs_[i].stream->status()];
        }
      };
      subs_[i].stream = std::make_unique<bench::SseStream>(loop_, url, std::move(handlers));
    });
  }
  auto deadline = started + std::chrono::seconds(60) +
                  std::chrono::seconds(
                      static_cast<int64_t>(static_cast<double>(subs_.size()) / o_.connect_rate));
  while (ready_ + connect_failed_ < subs_.size() && Clock::now() < deadline) {
    loop_.run_until(Clock::now() + std::chrono::milliseconds(50));
  }
  double connect_s = bench::ms_between(started, Clock::now()) / 1000;
  // nchan subscribes a stream before it sends the headers; a second more for the stragglers.
  loop_.run_until(Clock::now() + std::chrono::seconds(1));
  json_t* statuses = json_object();
  for (auto& [status, count] : connect_statuses_) {
    json_object_set_new(statuses, std::to_string(status).c_str(),
                        json_integer(static_cast<json_int_t>(count)));
  }
  json_object_set_new(out, "connected", json_integer(static_cast<json_int_t>(ready_)));
  json_object_set_new(out, "connect_failed",
                      json_integer(static_cast<json_int_t>(connect_failed_)));
  json_object_set_new(out, "connect_failed_statuses", statuses);
  json_object_set_new(out, "connect_s", json_real(std::round(connect_s * 100) / 100));
  return ready_ == subs_.size();
}

void EventsBench::disconnect_subscribers() {
  for (Subscriber& sub : subs_) sub.stream.reset();
}

json_t* EventsBench::phase_json(Phase& p) {
  double secs = bench::ms_between(p.start, p.end) / 1000;
  auto per_s = [secs](uint64_t n) { return std::round(static_cast<double>(n) / secs * 10) / 10; };
  json_t* j = json_pack(
      "{s:s,s:b,s:b,s:f,s:{s:f,s:f,s:I,s:I,s:I,s:I,s:o,s:o},s:I,s:I}", "name", p.name.c_str(),
      "subscribers", p.with_subscribers, "max_load", p.max_load, "seconds", secs, "fixed",
      "target_holds_per_s", o_.rate, "holds_per_s", per_s(p.fixed_holds), "holds",
      static_cast<json_int_t>(p.fixed_holds), "releases", static_cast<json_int_t>(p.fixed_releases),
      "failed", static_cast<json_int_t>(p.fixed_failed), "skipped",
      static_cast<json_int_t>(p.fixed_skipped), "lock", p.fixed_lock_ms.to_json(), "release",
      p.fixed_release_ms.to_json(), "s5xx", static_cast<json_int_t>(p.s5xx), "transport_errors",
      static_cast<json_int_t>(p.transport_errors));
  if (p.max_load) {
    json_object_set_new(
        j, "max",
        json_pack("{s:i,s:f,s:f,s:I,s:I,s:I,s:o}", "conns", o_.max_conns, "holds_per_s",
                  per_s(p.max_holds), "requests_per_s", per_s(p.max_holds + p.max_releases),
                  "conflicts", static_cast<json_int_t>(p.max_conflicts), "failed",
                  static_cast<json_int_t>(p.max_failed), "holds",
                  static_cast<json_int_t>(p.max_holds), "lock", p.max_lock_ms.to_json()));
  }
  json_object_set_new(j, "holds_per_s", json_real(per_s(p.fixed_holds + p.max_holds)));
  if (p.with_subscribers) {
    json_t* d = p.delivery_ms.to_json();
    json_object_set_new(d, "expected", json_integer(static_cast<json_int_t>(p.expected)));
    json_object_set_new(d, "received", json_integer(static_cast<json_int_t>(p.received)));
    json_object_set_new(d, "missed",
                        json_integer(static_cast<json_int_t>(p.expected - p.received)));
    json_object_set_new(d, "read_before_answer",
                        json_integer(static_cast<json_int_t>(p.read_before_answer)));
    json_object_set_new(j, "delivery", d);
  }
  json_t* cpu = json_object();
  json_t* rss = json_object();
  json_t* peak = json_object();
  json_object_set_new(cpu, "client_s", json_real(std::round(p.client_cpu * 100) / 100));
  for (size_t g = 0; g < o_.pid_groups.size(); ++g) {
    const char* name = o_.pid_groups[g].first.c_str();
    json_object_set_new(cpu, (o_.pid_groups[g].first + "_s").c_str(),
                        json_real(std::round(p.group_cpu[g] * 100) / 100));
    json_object_set_new(rss, name, json_integer(p.group_rss_end[g]));
    json_object_set_new(peak, name, json_integer(p.group_rss_peak[g]));
  }
  json_object_set_new(j, "cpu", cpu);
  json_object_set_new(j, "rss_kb_end", rss);
  json_object_set_new(j, "rss_kb_peak", peak);
  if (!p.first_error.empty())
    json_object_set_new(j, "first_error", json_string(p.first_error.c_str()));
  return j;
}

int EventsBench::run() {
  JsonPtr out(json_object());
  json_object_set_new(out.get(), "subscribers", json_integer(o_.subscribers));
  json_object_set_new(out.get(), "show", json_integer(o_.show));
  json_object_set_new(out.get(), "rate", json_real(o_.rate));
  json_object_set_new(out.get(), "seconds", json_real(o_.seconds));
  auto nginx_rss = [this]() -> long {
    for (auto& [name, pids] : o_.pid_groups) {
      if (name == "nginx") return bench::rss_kb_of(pids);
    }
    return 0;
  };
  bool with_max = o_.max_seat_lo > 0;
  auto add_phase = [this](const char* name, bool subs, bool max) -> Phase& {
    phases_.emplace_back();
    Phase& p = phases_.back();
    p.name = name;
    p.with_subscribers = subs;
    p.max_load = max;
    return p;
  };
  run_phase(add_phase("fixed-without", false, false));
  if (with_max) run_phase(add_phase("max-without", false, true));
  long rss_before = nginx_rss();
  bool all_connected = o_.subscribers == 0 || connect_subscribers(out.get());
  long rss_idle = nginx_rss();
  if (o_.subscribers > 0) {
    run_phase(add_phase("fixed-with", true, false));
    if (with_max) run_phase(add_phase("max-with", true, true));
  }
  long rss_peak = 0;
  for (Phase& p : phases_) {
    for (size_t g = 0; g < o_.pid_groups.size(); ++g) {
      if (o_.pid_groups[g].first == "nginx" && p.with_subscribers) {
        rss_peak = std::max(rss_peak, p.group_rss_peak[g]);
      }
    }
  }
  uint64_t open_streams = 0;
  for (const Subscriber& s : subs_) open_streams += s.stream != nullptr && s.stream->open() ? 1 : 0;
  disconnect_subscribers();
  if (with_max) run_phase(add_phase("max-without-2", false, true));

  // What each subscriber should have read: every change answered 200 during the phases
  // with subscribers (all of them were connected throughout, or are counted as missing).
  for (Change& c : changes_) {
    if (c.phase == SIZE_MAX || c.seen.empty() || !c.answered) continue;
    phases_[c.phase].expected += subs_.size();
  }
  json_t* phases = json_array();
  for (Phase& p : phases_) json_array_append_new(phases, phase_json(p));
  json_object_set_new(out.get(), "phases", phases);
  json_object_set_new(out.get(), "all_connected", json_boolean(all_connected));
  json_object_set_new(out.get(), "streams_open_at_end",
                      json_integer(static_cast<json_int_t>(open_streams)));
  json_object_set_new(out.get(), "streams_closed_early",
                      json_integer(static_cast<json_int_t>(streams_closed_)));
  json_object_set_new(out.get(), "unmatched_events",
                      json_integer(static_cast<json_int_t>(unmatched_events_)));
  json_object_set_new(out.get(), "duplicate_events",
                      json_integer(static_cast<json_int_t>(duplicate_events_)));
  json_object_set_new(out.get(), "nginx_rss_kb",
                      json_pack("{s:I,s:I,s:I}", "before", static_cast<json_int_t>(rss_before),
                                "with_subscribers_idle", static_cast<json_int_t>(rss_idle),
                                "peak_with_subscribers", static_cast<json_int_t>(rss_peak)));
  bench::print_json(out.get());
  return all_connected ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  Options options = parse_options(argc, argv);
  long need = options.subscribers + 2L * options.max_conns + 256;
  if (!bench::raise_fd_limit(need)) {
    std::fprintf(stderr, "events_bench: the open-files hard limit is below %ld\n", need);
    return 2;
  }
  curl_global_init(CURL_GLOBAL_DEFAULT);
  int rc = EventsBench(std::move(options)).run();
  curl_global_cleanup();
  return rc;
}
