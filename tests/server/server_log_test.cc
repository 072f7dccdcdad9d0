// Unit test of infdb-server's JSON log lines (server/server_log.h): every
// line is one JSON object with the documented fields, whatever bytes the
// message holds, and the level is spelled as --log-level spells it.
#include "server/server_log.h"

#include <gtest/gtest.h>

#include <string>

#include "spdlog/details/log_msg.h"

namespace infinitedb::server {
namespace {

std::string Format(spdlog::level::level_enum level, std::string_view text) {
  spdlog::details::log_msg message(
      "infdb-server", level, spdlog::string_view_t(text.data(), text.size()));
  spdlog::memory_buf_t out;
  NewJsonLogFormatter()->format(message, out);
  return std::string(out.data(), out.size());
}

// The value of the "msg" field, still escaped.
std::string Msg(const std::string& line) {
  const std::string key = "\"msg\":\"";
  const size_t start = line.find(key);
  EXPECT_NE(start, std::string::npos) << line;
  const size_t end = line.rfind("\"}\n");
  EXPECT_NE(end, std::string::npos) << line;
  return line.substr(start + key.size(), end - start - key.size());
}

TEST(JsonLogTest, LineHasTheDocumentedFieldsInOrder) {
  const std::string line = Format(spdlog::level::info, "serving /data");
  EXPECT_EQ(line.rfind("{\"time\":\"", 0), 0u) << line;
  EXPECT_NE(line.find("Z\",\"level\":\"info\",\"logger\":\"infdb-server\","
                      "\"msg\":\"serving /data\"}\n"),
            std::string::npos)
      << line;
}

TEST(JsonLogTest, LevelsAreSpelledAsTheFlagTakesThem) {
  EXPECT_NE(Format(spdlog::level::warn, "x").find("\"level\":\"warn\""),
            std::string::npos);
  EXPECT_NE(Format(spdlog::level::err, "x").find("\"level\":\"error\""),
            std::string::npos);
  EXPECT_NE(Format(spdlog::level::debug, "x").find("\"level\":\"debug\""),
            std::string::npos);
}

TEST(JsonLogTest, QuotesBackslashesAndControlBytesAreEscaped) {
  EXPECT_EQ(Msg(Format(spdlog::level::info, "a\"b\\c\nd\te\x01")),
            "a\\\"b\\\\c\\u000ad\\u0009e\\u0001");
}

TEST(JsonLogTest, Utf8IsKeptAndOtherBytesBecomeTheReplacementCharacter) {
  EXPECT_EQ(Msg(Format(spdlog::level::info,
                       "Stra\xc3\x9f"
                       "e \xe2\x82\xac")),
            "Stra\xc3\x9f"
            "e \xe2\x82\xac");
  const std::string replacement = "\xef\xbf\xbd";
  // A lone continuation byte, bytes never valid, a cut sequence, an overlong
  // encoding and a surrogate.
  EXPECT_EQ(Msg(Format(spdlog::level::info,
                       "a\x80"
                       "b")),
            "a" + replacement + "b");
  EXPECT_EQ(Msg(Format(spdlog::level::info, "\xff\xfe")),
            replacement + replacement);
  EXPECT_EQ(Msg(Format(spdlog::level::info, "x\xe2\x82")),
            "x" + replacement + replacement);
  EXPECT_EQ(Msg(Format(spdlog::level::info, "\xc0\xaf")),
            replacement + replacement);
  EXPECT_EQ(Msg(Format(spdlog::level::info, "\xed\xa0\x80")),
            replacement + replacement + replacement);
}

}  // namespace
}  // namespace infinitedb::server
