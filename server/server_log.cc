#include "server/server_log.h"

#include <cstdint>
#include <ctime>

#include "spdlog/sinks/stdout_color_sinks.h"
#include "spdlog/spdlog.h"

namespace infinitedb::server {
namespace {

constexpr char kLoggerName[] = "infdb-server";

// The length of the valid UTF-8 sequence at the start of `text`, 0 when it
// does not start with one.
size_t Utf8SequenceLength(std::string_view text) {
  const auto byte = [&](size_t i) {
    return static_cast<unsigned char>(text[i]);
  };
  const unsigned char lead = byte(0);
  size_t length;
  uint32_t lowest;
  if (lead < 0x80) return 1;
  if (lead >= 0xc2 && lead <= 0xdf) {
    length = 2, lowest = 0x80;
  } else if (lead >= 0xe0 && lead <= 0xef) {
    length = 3, lowest = 0x800;
  } else if (lead >= 0xf0 && lead <= 0xf4) {
    length = 4, lowest = 0x10000;
  } else {
    return 0;
  }
  if (text.size() < length) return 0;
  uint32_t code = lead & (0x7f >> length);
  for (size_t i = 1; i < length; ++i) {
    if ((byte(i) & 0xc0) != 0x80) return 0;
    code = (code << 6) | (byte(i) & 0x3f);
  }
  const bool surrogate = code >= 0xd800 && code <= 0xdfff;
  return code >= lowest && code <= 0x10ffff && !surrogate ? length : 0;
}

// `text` as a JSON string; bytes that are not UTF-8 become U+FFFD, so that
// every line stays valid JSON whatever a message quotes.
void AppendJsonString(std::string_view text, spdlog::memory_buf_t& out) {
  static constexpr std::string_view kReplacement = "\xef\xbf\xbd";
  out.push_back('"');
  while (!text.empty()) {
    const unsigned char c = static_cast<unsigned char>(text[0]);
    const size_t length = Utf8SequenceLength(text);
    if (length == 0) {
      out.append(kReplacement);
      text.remove_prefix(1);
      continue;
    }
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(static_cast<char>(c));
    } else if (c < 0x20) {
      static constexpr char kHex[] = "0123456789abcdef";
      const char escaped[] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 15]};
      out.append(escaped, escaped + sizeof(escaped));
    } else {
      out.append(text.substr(0, length));
    }
    text.remove_prefix(length);
  }
  out.push_back('"');
}

// The level as the --log-level flag spells it ("warn", not spdlog's
// "warning").
std::string_view LevelName(spdlog::level::level_enum level) {
  if (level == spdlog::level::warn) return "warn";
  const auto name = spdlog::level::to_string_view(level);
  return std::string_view(name.data(), name.size());
}

class JsonLogFormatter : public spdlog::formatter {
 public:
  void format(const spdlog::details::log_msg& msg,
              spdlog::memory_buf_t& dest) override {
    const auto since_epoch = msg.time.time_since_epoch();
    const std::time_t seconds =
        std::chrono::duration_cast<std::chrono::seconds>(since_epoch).count();
    const int millis = static_cast<int>(
        std::chrono::duration_cast<std::chrono::milliseconds>(since_epoch)
            .count() %
        1000);
    std::tm utc;
    gmtime_r(&seconds, &utc);
    char time_text[32];
    std::snprintf(time_text, sizeof(time_text),
                  "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900,
                  utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min,
                  utc.tm_sec, millis);
    dest.append(std::string_view("{\"time\":\""));
    dest.append(std::string_view(time_text));
    dest.append(std::string_view("\",\"level\":"));
    AppendJsonString(LevelName(msg.level), dest);
    dest.append(std::string_view(",\"logger\":"));
    AppendJsonString(
        std::string_view(msg.logger_name.data(), msg.logger_name.size()), dest);
    dest.append(std::string_view(",\"msg\":"));
    AppendJsonString(std::string_view(msg.payload.data(), msg.payload.size()),
                     dest);
    dest.append(std::string_view("}\n"));
  }

  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<JsonLogFormatter>();
  }
};

}  // namespace

std::unique_ptr<spdlog::formatter> NewJsonLogFormatter() {
  return std::make_unique<JsonLogFormatter>();
}

void SetUpLogging(const std::string& level, bool json) {
  auto logger = spdlog::stderr_color_mt(kLoggerName);
  if (json) {
    logger->set_formatter(NewJsonLogFormatter());
  } else {
    logger->set_pattern("[%Y-%m-%d %H:%M:%S.%e] [%l] %v");
  }
  logger->set_level(spdlog::level::from_str(level));
  logger->flush_on(spdlog::level::info);
  spdlog::set_default_logger(logger);
  // The audit lines: stderr too, their own name, never hidden by
  // --log_level. A sink of their own: a pattern set on a logger is set on
  // its sinks.
  auto audit = spdlog::stderr_color_mt(kAuditLoggerName);
  if (json) {
    audit->set_formatter(NewJsonLogFormatter());
  } else {
    audit->set_pattern("[%Y-%m-%d %H:%M:%S.%e] [%n] %v");
  }
  audit->set_level(spdlog::level::info);
  audit->flush_on(spdlog::level::info);
}

std::shared_ptr<spdlog::logger> AuditLog() {
  std::shared_ptr<spdlog::logger> audit = spdlog::get(kAuditLoggerName);
  return audit != nullptr ? audit : spdlog::default_logger();
}

}  // namespace infinitedb::server
