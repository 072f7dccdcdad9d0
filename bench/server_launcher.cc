#include "bench/server_launcher.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

namespace infinitedb::bench {
namespace {

std::string ServerBinary() {
  if (const char* path = std::getenv("INFDB_SERVER")) return path;
  std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe");
  return (self.parent_path().parent_path() / "server" / "infdb-server")
      .string();
}

}  // namespace

absl::StatusOr<std::string> ServerLauncher::Start(
    const std::string& dir, const std::vector<std::string>& flags) {
  std::filesystem::create_directories(dir);
  std::string log_path = dir + "/server.log";
  std::filesystem::remove(log_path);
  std::string binary = ServerBinary();
  std::vector<std::string> args = {binary, "--data-dir=" + dir + "/data",
                                   "--listen=127.0.0.1:0", "--log-level=warn"};
  args.insert(args.end(), flags.begin(), flags.end());
  std::fflush(nullptr);  // the child must not write our buffered output
  pid_ = fork();
  if (pid_ == 0) {
    std::freopen(log_path.c_str(), "w", stdout);
    std::freopen(log_path.c_str(), "a", stderr);
    std::vector<char*> argv;
    for (std::string& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    execv(binary.c_str(), argv.data());
    _exit(127);
  }
  for (int attempt = 0; attempt < 300; ++attempt) {
    std::ifstream log(log_path);
    std::string line;
    while (std::getline(log, line)) {
      size_t at = line.find("listening on ");
      if (at != std::string::npos) return line.substr(at + 13);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return absl::UnavailableError("infdb-server did not start; see " + log_path);
}

void ServerLauncher::Stop() {
  if (pid_ <= 0) return;
  kill(pid_, SIGTERM);
  waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

}  // namespace infinitedb::bench
