#include "conformance/explore/program_generator.h"

#include <fmt/format.h>

#include <algorithm>
#include <random>

#include "conformance/explore/draws.h"

namespace kv {

namespace {

// Bodies that do not parse as a KeyValueMessage (SPEC 4.4).
const char* const kGarbageBodies[] = {
    "\xff\xff",  // Field 0 / bad tag.
    "\x0a\x05"
    "ab",        // A string field longer than the body.
    "\x0f",      // Wire type 7.
    "\x18",      // A varint field with no value.
    "\x1a\x01",  // Kind with a length-delimited wire type, cut short.
};

// Invalid UTF-8 pieces (SPEC 4.3): a stray byte, an overlong form, an
// encoded surrogate, a cut sequence.
const char* const kBadUtf8[] = {"\xff", "\xc0\x80", "\xed\xa0\x80", "\xe6\x97"};

// The share of programs that end with a terminate step under --exec: each
// restarts the server and runs alone, so it costs the time of a few
// programs. Half of them send a second signal (12.6): about 8 in the
// 170 programs of a minute, on average; at one in sixteen, the first 7
// terminate steps of seed 1 all drew a single signal.
constexpr double kTerminateChance = 1.0 / 10;

// The share of programs that end with a backlog (add_backlog): each moves
// tens of MiB through the server, so it costs the time of a few programs.
constexpr double kBacklogChance = 1.0 / 10;
// A backlog's responses add up to this many MiB or more: more than the
// socket buffers between server and client hold (a send buffer of up to
// 4 MiB and the receive buffer of a fresh connection that has read little),
// so that a server writing them must wait for the client. Kept near that,
// since a server may build all of them before it writes the first.
constexpr int kBacklogMinMiB = 16;
constexpr int kBacklogMaxMiB = 24;

class Generator : private Draws {
 public:
  Generator(const GeneratorConfig& config, std::uint64_t index)
      : Draws(config.seed, index, 17), config_(config) {}

  Program make() {
    make_key_pool();
    Program p;
    const int steps = uniform(1, std::max(1, config_.max_steps));
    current_ = 0;
    while (static_cast<int>(p.steps.size()) < steps) add_step(p);
    // add_step may add a few steps at once; any prefix is a program.
    p.steps.resize(static_cast<std::size_t>(steps));
    // Drawn after the steps, so that the other steps do not depend on
    // whether a program ends with a backlog.
    if (chance(kBacklogChance)) add_backlog(p);
    // Drawn after the steps, so that the steps are the same with or
    // without --exec.
    if (config_.terminate && chance(kTerminateChance)) add_terminate(p);
    return p;
  }

 private:
  std::string ascii(int n) {
    std::string s;
    for (int i = 0; i < n; ++i) s += static_cast<char>('a' + uniform(0, 25));
    return s;
  }

  // One character for edge text: mostly letters of both cases and digits,
  // now and then whitespace, a control character, U+0000 or a multi-byte
  // code point (2, 3 and 4 bytes, a combining mark, a zero-width space,
  // U+FEFF, U+FFFD).
  std::string edge_char() {
    static const char* const kSpecial[] = {" ",  "\t", "\r", "\n",  "\x01", "\x1b", "\x7f",
                                           "\xc3\xa9", "\xcc\x81", "\xe6\x97\xa5",
                                           "\xe2\x80\x8b", "\xef\xbb\xbf", "\xef\xbf\xbd",
                                           "\xf0\x9f\x98\x80", "\xc2\xa0"};
    const int roll = uniform(0, 99);
    if (roll < 40) return std::string(1, static_cast<char>('a' + uniform(0, 25)));
    if (roll < 60) return std::string(1, static_cast<char>('A' + uniform(0, 25)));
    if (roll < 75) return std::string(1, static_cast<char>('0' + uniform(0, 9)));
    if (roll < 80) return std::string(1, '\0');
    return kSpecial[uniform(0, static_cast<int>(std::size(kSpecial)) - 1)];
  }
  std::string edge_text(int n) {
    std::string s;
    for (int i = 0; i < n; ++i) s += edge_char();
    return s;
  }
  // `text` with `piece` inserted at a random byte offset that does not
  // cut a UTF-8 sequence.
  std::string insert_at_random(std::string text, const std::string& piece) {
    std::vector<std::size_t> starts;
    for (std::size_t i = 0; i <= text.size(); ++i) {
      if (i == text.size() || (static_cast<unsigned char>(text[i]) & 0xC0U) != 0x80U) {
        starts.push_back(i);
      }
    }
    const std::size_t at = starts[static_cast<std::size_t>(uniform(0, static_cast<int>(starts.size()) - 1))];
    return text.insert(at, piece);
  }

  void add_key(std::string text, bool tag_last = false) { keys_.push_back({std::move(text), tag_last}); }

  // Key families: keys a store that does not keep keys byte for byte
  // (SPEC 5.9) would merge. Each family is generated, not listed: edge
  // text, then variants of it that differ only in what such a store
  // drops (case, whitespace at an end, a line ending, what follows a
  // U+0000, a composed or decomposed accent, the bytes past a long prefix).
  void make_key_pool() {
    const int families = uniform(1, 4);
    for (int f = 0; f < families; ++f) {
      const std::string base = "k" + edge_text(uniform(1, 6));
      switch (uniform(0, 11)) {
        case 0:
          add_key("");  // Shared with every client: judged by form only.
          break;
        case 1: {
          // U+0000 anywhere: a store that cuts at it merges these.
          const std::string cut = insert_at_random(base, std::string(1, '\0'));
          add_key(cut + "a");
          add_key(cut + "b");
          break;
        }
        case 2: {
          // One word, composed and decomposed (NFC and NFD).
          const std::string word = ascii(uniform(0, 3));
          add_key(word + "\xc3\xa9t\xc3\xa9" + word);
          add_key(word + "e\xcc\x81t\xc3\xa9" + word);
          break;
        }
        case 3: {
          // Case: the text and the text with every ASCII letter's case swapped.
          std::string swapped = base;
          for (char& c : swapped) {
            if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
            else if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
          }
          add_key(base);
          add_key(swapped);
          break;
        }
        case 4: {
          // Long keys sharing a prefix: they collide in a store that cuts
          // keys or tells them apart by a prefix.
          const int len = pick(std::vector<int>{200, 250, 255, 256, 257, 300, 600, 1024, 1025, 1100});
          const std::string common = ascii(len);
          add_key(common + "1");
          add_key(common + "2");
          break;
        }
        case 5:
          add_key(insert_at_random(base, "@EOF@"));
          break;
        case 6:
          add_key(base);
          break;
        case 7: {
          // Whitespace at one end, and the same key without it; the run's
          // tag goes at the other end.
          const std::string space = pick(std::vector<std::string>{" ", "\t", "\r\n", "  ", "\n"});
          const bool leading = chance(0.5);
          add_key(leading ? space + base : base + space, leading);
          add_key(base, leading);
          break;
        }
        case 8: {
          // A line ending inside, as CR LF and as LF.
          const std::string crlf = insert_at_random(base, "\r\n");
          std::string lf = crlf;
          lf.erase(lf.find("\r\n"), 1);
          add_key(crlf);
          add_key(lf);
          break;
        }
        case 9: {
          // A control character at the start (the tag then goes last) or
          // anywhere else, and the key without it.
          const std::string control = pick(std::vector<std::string>{"\x01", "\x1b", "\x7f", "\t", "\x0b"});
          if (chance(0.5)) {
            add_key(control + base, true);
            add_key(base, true);
          } else {
            add_key(insert_at_random(base, control));
            add_key(base);
          }
          break;
        }
        default:
          add_key(fmt::format("k{}", ascii(uniform(1, 3))));
          break;
      }
    }
    if (keys_.size() < 2) add_key(fmt::format("k{}", ascii(2)));
  }

  // A key for a request: from the program's families, now and then invalid
  // UTF-8 (a bad body, SPEC 4.3).
  void key(Request& r) {
    if (chance(0.02)) {
      r.key = std::string(kBadUtf8[uniform(0, 3)]) + "k";
      return;
    }
    const LogicalKey& k = pick(keys_);
    r.key = k.text;
    r.tag_last = k.tag_last;
  }

  std::string value(Request& r) {
    const std::string tag = fmt::format("{}", ++values_);
    switch (uniform(0, 19)) {
      case 0:
      case 1:
        return "";
      case 2:
        return fmt::format("v@EOF@{}{}", tag, std::string("\x07\x00\x00\x00\x18\x03@EOF@", 11));
      case 3:
        return fmt::format("v\xc3\xa4rde{}", tag);
      case 4:
        return insert_at_random("v" + edge_text(uniform(0, 4)) + tag, std::string(1, '\0'));
      case 8: {
        // Line endings, whitespace at either end, control characters: a
        // store that converts, trims or strips changes the value (5.9).
        const std::string text = "v" + edge_text(uniform(0, 4)) + tag;
        switch (uniform(0, 3)) {
          case 0:
            return insert_at_random(text, "\r\n");
          case 1:
            return " " + text + pick(std::vector<std::string>{" ", "\t", "\r\n", "\n"});
          case 2:
            return insert_at_random(text, "\r");
          default:
            return text + edge_text(uniform(1, 6));
        }
      }
      case 5:
        if (chance(0.3)) return std::string(kBadUtf8[uniform(0, 3)]) + tag;
        return fmt::format("v{}", tag);
      case 6:
        if (chance(0.4)) {
          // Large: a response over 64 KiB, within the frame maximum.
          const std::uint32_t size =
              std::min<std::uint32_t>(uniform(65 * 1024, 400 * 1024), config_.max_frame_bytes / 2);
          if (size > 16) return fmt::format("{}/{}", tag, std::string(size, 'L'));
        }
        return fmt::format("v{}", tag);
      case 7:
        if (chance(0.4)) {
          // Exactly at (or just under) the maximum LEN (SPEC 3.1).
          r.fill_len = config_.max_frame_bytes - (chance(0.6) ? 0 : uniform(1, 3));
          return tag + "/";
        }
        return fmt::format("v{}", tag);
      default:
        return fmt::format("v{}{}", tag, ascii(uniform(0, 6)));
    }
  }

  BodyForm form() {
    if (!chance(0.3)) return BodyForm::kCanonical;
    return static_cast<BodyForm>(uniform(1, kBodyFormCount - 1));
  }

  Request request() {
    Request r;
    const int roll = uniform(0, 99);
    r.form = form();
    if (roll < 44) {
      r.op = RequestOp::kPut;
      key(r);
      r.value = value(r);
      if (chance(0.05)) r.status = chance(0.5) ? 1 : 7;
    } else if (roll < 86) {
      r.op = RequestOp::kGet;
      key(r);
      if (chance(0.05)) r.value = fmt::format("g{}", ++values_);
      if (chance(0.05)) r.status = chance(0.5) ? 1 : 7;
    } else if (roll < 93) {
      r.op = RequestOp::kOtherKind;
      r.kind = pick(std::vector<std::uint32_t>{0, 2, 4, 5, 100, 0xFFFFFFFFU});
      if (chance(0.3)) key(r);
    } else if (roll < 97) {
      // A bad body whose PUT fields come first: it must have no effect.
      r.op = RequestOp::kSpoiledPut;
      key(r);
      r.value = fmt::format("s{}", ++values_);
      r.tail = static_cast<std::uint32_t>(uniform(0, static_cast<int>(kSpoiledTailCount) - 1));
      r.form = chance(0.5) ? BodyForm::kCanonical : r.form;
    } else {
      r.op = RequestOp::kGarbageBody;
      r.value = kGarbageBodies[uniform(0, 4)];
      r.form = BodyForm::kCanonical;
    }
    return r;
  }

  Request framing_error() {
    Request r;
    r.op = RequestOp::kFramingError;
    const std::uint32_t max = config_.max_frame_bytes;
    switch (uniform(0, 2)) {
      case 0:
        r.framing = FramingClass::kLengthTooSmall;
        r.len = static_cast<std::uint32_t>(uniform(0, 4));
        if (chance(0.5)) r.value = ascii(uniform(1, 8));
        break;
      case 1:
        r.framing = FramingClass::kLengthTooLarge;
        r.len = pick(std::vector<std::uint32_t>{max + 1, max + 1000, 0xFFFFFFFFU});
        if (r.len <= max) r.len = 0xFFFFFFFFU;
        if (chance(0.3)) r.value = ascii(uniform(1, 8));
        break;
      default:
        r.framing = FramingClass::kBadFooter;
        key(r);
        r.value = fmt::format("bf{}", ++values_);
        break;
    }
    return r;
  }

  // A burst of many small frames in one write: a PUT or GET per key
  // "#i", or LEN-5 frames (the empty body, an unknown kind 0).
  Request burst() {
    Request r;
    if (chance(0.6)) {
      r.op = chance(0.5) ? RequestOp::kPut : RequestOp::kGet;
      r.key = fmt::format("b{}", ascii(1));
      r.value = r.op == RequestOp::kPut ? fmt::format("p{}", ++values_) : "";
      r.repeat = static_cast<std::uint32_t>(uniform(200, 700));
    } else {
      r.op = RequestOp::kOtherKind;
      r.kind = 0;
      r.repeat = static_cast<std::uint32_t>(uniform(3000, 6500));
    }
    return r;
  }

  WriteShape shape(std::size_t bytes) {
    const int roll = uniform(0, 99);
    if (roll < 50 || bytes < 2) return WriteShape::whole();
    const int cut = static_cast<int>(std::min<std::size_t>(bytes - 1, 1U << 30U));
    if (roll < 65) return WriteShape::split_at(static_cast<std::size_t>(uniform(1, cut)));
    if (bytes > 64 * 1024) {
      // Many tiny writes of a large buffer take long and test nothing more.
      return WriteShape::random_chunks(engine()(), static_cast<std::size_t>(uniform(4096, 65536)));
    }
    if (roll < 85)
      return WriteShape::random_chunks(engine()(), static_cast<std::size_t>(uniform(1, 64)));
    if (roll < 93 && bytes <= 300) return WriteShape::byte_by_byte();
    if (bytes <= 40 && roll >= 97)
      return WriteShape::slow_drip(static_cast<int>(config_.drip_interval.count()));
    return WriteShape::random_chunks(engine()(), 16);
  }

  int conn_for_step() {
    if (config_.profile == Profile::kSequential) return current_;
    return uniform(0, std::max(1, config_.connections) - 1);
  }

  std::size_t rough_size(const std::vector<Request>& requests) {
    std::size_t n = 0;
    for (const Request& r : requests) {
      n += (r.key.size() + r.value.size() + 16) * std::max<std::uint32_t>(1, r.repeat) + r.fill_len;
    }
    return n;
  }

  void add_send(Program& p, int conn, bool with_error) {
    Step s;
    s.action = StepAction::kSend;
    s.conn = conn;
    const int roll = uniform(0, 99);
    int count = roll < 55 ? 1 : roll < 85 ? uniform(2, 4) : roll < 95 ? uniform(5, 20) : 0;
    bool bursted = false;
    if (count == 0) {
      s.requests.push_back(burst());
      bursted = true;
    }
    for (int i = 0; i < count; ++i) s.requests.push_back(request());
    if (with_error) s.requests.push_back(framing_error());
    const std::size_t size = rough_size(s.requests);
    s.shape = shape(size);
    if (!with_error && chance(0.12)) {
      // Stall in the last frame, often inside its footer.
      s.hold = chance(0.5) ? static_cast<std::uint32_t>(uniform(1, 5))
                           : static_cast<std::uint32_t>(uniform(1, 40));
    }
    p.steps.push_back(s);
    if (s.hold > 0 && chance(0.3)) {
      // End the stream inside that frame: a truncated frame (SPEC 6.5).
      Step end;
      end.action = chance(0.5) ? StepAction::kHalfClose : StepAction::kClose;
      end.conn = conn;
      p.steps.push_back(end);
    }
    if (!bursted && s.hold == 0 && !with_error && chance(0.35)) {
      // Read the answers at once: operations that do not overlap in time
      // let the model check more than linearizability allows for overlaps.
      Step read;
      read.action = StepAction::kRead;
      read.conn = conn;
      p.steps.push_back(read);
    }
    if (bursted && chance(0.5)) {
      // Leave the burst's answers unread: reset or close at once.
      Step end;
      end.action = chance(0.6) ? StepAction::kReset : StepAction::kClose;
      end.conn = conn;
      p.steps.push_back(end);
    }
  }

  // The sequential profile serves one connection at a time: other
  // connections only queue a small request now and then.
  void add_queued_send(Program& p) {
    Step s;
    s.action = StepAction::kSend;
    s.conn = (current_ + 1) % config_.connections;
    Request r;
    r.op = chance(0.5) ? RequestOp::kPut : RequestOp::kGet;
    const LogicalKey& k = pick(keys_);
    r.key = k.text;
    r.tag_last = k.tag_last;
    r.value = r.op == RequestOp::kPut ? fmt::format("q{}", ++values_) : "";
    s.requests.push_back(r);
    p.steps.push_back(s);
  }

  // A slow reader of large responses (SPEC 9.3): a large value stored,
  // then GETs of it pipelined (several MiB of responses, more than the
  // socket buffers hold), then read with a pause before each response.
  // Each pause is short, but together they keep output pending for a
  // second or more after the last byte the client sent.
  void add_slow_large_read(Program& p, int conn) {
    const std::uint32_t size =
        std::min<std::uint32_t>(uniform(512 * 1024, 1024 * 1024), config_.max_frame_bytes / 2);
    if (size < 1024) return;
    Step put;
    put.action = StepAction::kSend;
    put.conn = conn;
    Request r;
    r.op = RequestOp::kPut;
    r.key = fmt::format("big{}", ascii(2));
    r.value = fmt::format("{}/{}", ++values_, std::string(size, 'L'));
    put.requests.push_back(r);
    p.steps.push_back(put);
    // GETs of that one key (not `repeat`, which would suffix each key and
    // ask for keys never written): several MiB of responses.
    Request get = r;
    get.op = RequestOp::kGet;
    get.value.clear();
    Step gets = put;
    gets.requests.assign(static_cast<std::size_t>(uniform(6, 16)), get);
    p.steps.push_back(gets);
    // Concurrent profile: half the time nothing is read now, and the steps
    // that follow use the other connections while this one's output is
    // backed up (SPEC 11.4: a slow reader delays no one else).
    if (config_.profile == Profile::kConcurrent && chance(0.5)) return;
    Step read;
    read.action = StepAction::kReadSlowly;
    read.conn = conn;
    read.ms = uniform(60, 150);
    p.steps.push_back(read);
  }

  // A backlog of large responses left unread (SPEC 8.1, 11.4), in place of
  // the program's last steps: a connection PUTs a value near the maximum
  // LEN and pipelines GETs of it, tens of MiB of responses, and reads none
  // of them for a while, so that a server writing them finds the socket
  // buffers full and must wait. Meanwhile (concurrent profile) another
  // connection PUTs and GETs a small value and must be answered within the
  // response timeout (11.4: a slow reader delays no one). Then the first
  // connection sends one more small request and reads everything, now and
  // then slowly: every response must be there, whole and in order (8.1: a
  // response that finds the buffers full waits, it is never dropped; the
  // small request's answer comes last, so a dropped one shows at once).
  void add_backlog(Program& p) {
    const std::uint32_t max = config_.max_frame_bytes;
    if (max < 16 * 1024) return;
    const int connections = std::max(1, config_.connections);
    const bool concurrent = config_.profile == Profile::kConcurrent;
    const int slow = concurrent ? uniform(0, connections - 1) : current_;
    // A fresh connection first: one that read much before may have a
    // receive buffer grown large enough to hold the whole backlog.
    std::vector<Step> block{step_on(StepAction::kClose, slow)};
    Request big;
    big.op = RequestOp::kPut;
    big.key = fmt::format("bl{}", ascii(2));
    big.value = fmt::format("{}/", ++values_);
    big.fill_len = max - static_cast<std::uint32_t>(uniform(64, 1024));
    block.push_back(step_on(StepAction::kSend, slow, {big}));
    block.push_back(step_on(StepAction::kRead, slow));
    Request get;
    get.op = RequestOp::kGet;
    get.key = big.key;
    const std::uint64_t pending = static_cast<std::uint64_t>(uniform(kBacklogMinMiB, kBacklogMaxMiB))
                                  << 20U;
    const auto count = static_cast<std::size_t>(
        std::clamp<std::uint64_t>((pending + big.fill_len - 1) / big.fill_len, 4, 2048));
    block.push_back(step_on(StepAction::kSend, slow, std::vector<Request>(count, get)));
    // Time for the server to start writing: a server that builds every
    // response of a read before it writes was seen to need 0.2 to 1 s on a
    // loaded machine. Twice, the second time later.
    for (int round = 0; round < 2; ++round) {
      Step pause = step_on(StepAction::kPause, 0);
      pause.ms = round == 0 ? uniform(1000, 1600) : uniform(500, 1000);
      block.push_back(pause);
      if (!concurrent || connections < 2) break;
      const int other = (slow + uniform(1, connections - 1)) % connections;
      Request other_put;
      other_put.op = RequestOp::kPut;
      other_put.key = fmt::format("bo{}", ascii(2));
      other_put.value = fmt::format("v{}", ++values_);
      Request other_get = get;
      other_get.key = other_put.key;
      block.push_back(step_on(StepAction::kSend, other, {other_put, other_get}));
      block.push_back(step_on(StepAction::kReadPromptly, other));
    }
    Request marker;
    marker.op = RequestOp::kPut;
    key(marker);
    marker.value = fmt::format("m{}", ++values_);
    block.push_back(step_on(StepAction::kSend, slow, {marker}));
    Step drain = step_on(chance(0.3) ? StepAction::kReadSlowly : StepAction::kRead, slow);
    if (drain.action == StepAction::kReadSlowly) drain.ms = uniform(10, 60);
    block.push_back(drain);
    // In place of the last steps, within --max-steps (any prefix of the
    // block is a program too).
    const std::size_t most = static_cast<std::size_t>(std::max(1, config_.max_steps));
    const std::size_t keep = most > block.size() ? most - block.size() : 0;
    if (p.steps.size() > keep) p.steps.resize(keep);
    for (const Step& s : block) {
      if (p.steps.size() < most) p.steps.push_back(s);
    }
  }

  static Step step_on(StepAction action, int conn, std::vector<Request> requests = {}) {
    Step s;
    s.action = action;
    s.conn = conn;
    s.requests = std::move(requests);
    return s;
  }

  void add_step(Program& p) {
    const int conn = conn_for_step();
    if (chance(0.006)) {
      add_slow_large_read(p, conn);
      return;
    }
    const int roll = uniform(0, 999);
    Step s;
    s.conn = conn;
    if (roll < 500) {
      add_send(p, conn, false);
      return;
    }
    if (roll < 560) {
      add_send(p, conn, true);
      if (config_.profile == Profile::kSequential) next_connection();
      return;
    }
    if (config_.profile == Profile::kSequential && config_.connections > 1 && roll < 620) {
      add_queued_send(p);
      return;
    }
    if (roll < 760) {
      s.action = StepAction::kRead;
    } else if (roll < 790) {
      s.action = StepAction::kReadSlowly;
      s.ms = uniform(1, 60);
    } else if (roll < 850) {
      s.action = StepAction::kPause;
      // Now and then a pause of seconds, below the idle timeout: a
      // connection used before and after must still be open (SPEC 9.4).
      // Four programs run at once against a concurrent server, so the
      // others go on meanwhile.
      const int length = uniform(0, 199);
      const int long_pauses = config_.profile == Profile::kConcurrent ? 4 : 1;
      const int idle_probes = config_.profile == Profile::kConcurrent ? 8 : 2;
      if (length >= 200 - idle_probes) {
        add_idle_probe(p, conn);
        return;
      }
      s.ms = length < long_pauses ? uniform(2100, 4500)
             : length < 80        ? uniform(230, 450)
                                  : uniform(5, 120);
    } else if (roll < 900) {
      s.action = StepAction::kHalfClose;
    } else if (roll < 940) {
      s.action = StepAction::kClose;
    } else if (roll < 965) {
      s.action = StepAction::kReset;
    } else if (roll < 985) {
      // Short-lived connections ended every way; now and then more than a
      // server's 1024 connection slots (SPEC 7.5, 12.3), to expose a leak.
      s.action = StepAction::kChurn;
      s.churn_end = static_cast<ChurnEnd>(uniform(0, 4));
      const int size = uniform(0, 99);
      s.count = size < 6 ? uniform(1100, 2500) : size < 30 ? uniform(60, 80) : uniform(1, 5);
      // Thousands are ended with a FIN (the executor paces them by the
      // server's close), most of them in the middle of a frame.
      if (s.count > 1000) s.churn_end = chance(0.8) ? ChurnEnd::kMidFrame : ChurnEnd::kUnread;
    } else {
      s.action = StepAction::kRead;
    }
    p.steps.push_back(s);
    if (config_.profile == Profile::kSequential &&
        (s.action == StepAction::kHalfClose || s.action == StepAction::kClose ||
         s.action == StepAction::kReset)) {
      next_connection();
    }
  }

  // An idle probe: a request on `conn` and its answer, then the
  // connection left quiet for 56 to 63% of the stated idle timeout (the
  // executor keeps the pause within the quiet spells 9.4 judges), then a
  // request on the same connection that must be answered (SPEC 9.4: the
  // idle timeout is a lower bound). A server that times connections out
  // too early closes it during the pause.
  void add_idle_probe(Program& p, int conn) {
    Step send = step_on(StepAction::kSend, conn, {request()});
    send.shape = shape(rough_size(send.requests));
    Step pause = step_on(StepAction::kPause, conn);
    const auto idle = static_cast<int>(std::min<long long>(config_.idle_timeout.count(), 1 << 30));
    pause.ms = static_cast<int>(static_cast<long long>(idle) * uniform(560, 630) / 1000);
    p.steps.push_back(send);
    p.steps.push_back(step_on(StepAction::kRead, conn));
    p.steps.push_back(pause);
    send.requests = {request()};
    send.shape = shape(rough_size(send.requests));
    p.steps.push_back(send);
    p.steps.push_back(step_on(StepAction::kRead, conn));
  }

  // Most of the time, first a connection that is served (a request
  // answered) and then left with requests unanswered, now and then in the
  // middle of a frame: what a drain must answer (SPEC 12.5). Then the
  // terminate step.
  void add_terminate(Program& p) {
    if (chance(0.75)) {
      const int conn = current_;
      Step first;
      first.action = StepAction::kSend;
      first.conn = conn;
      first.requests.push_back(request());
      first.shape = shape(rough_size(first.requests));
      p.steps.push_back(first);
      Step read;
      read.action = StepAction::kRead;
      read.conn = conn;
      p.steps.push_back(read);
      Step pending;
      pending.action = StepAction::kSend;
      pending.conn = conn;
      const int count = uniform(1, 12);
      for (int i = 0; i < count; ++i) pending.requests.push_back(request());
      pending.shape = shape(rough_size(pending.requests));
      if (chance(0.5)) pending.hold = static_cast<std::uint32_t>(uniform(1, 12));
      p.steps.push_back(pending);
    }
    p.steps.push_back(terminate_step());
  }

  // SIGTERM, half the time a second one 100 to 400 ms later after a
  // connection that never reads has backed up 32 MiB of responses, so
  // that the drain is still going on when the second signal comes.
  Step terminate_step() {
    Step s;
    s.action = StepAction::kTerminate;
    if (chance(0.5)) {
      s.ms = uniform(100, 400);
      s.count = uniform(480, 560);
    }
    return s;
  }

  void next_connection() { current_ = (current_ + 1) % std::max(1, config_.connections); }

  const GeneratorConfig& config_;
  struct LogicalKey {
    std::string text;
    bool tag_last = false;
  };
  std::vector<LogicalKey> keys_;
  int values_ = 0;
  int current_ = 0;
};

}  // namespace

Program generate_program(const GeneratorConfig& config, std::uint64_t index) {
  return Generator(config, index).make();
}

}  // namespace kv
