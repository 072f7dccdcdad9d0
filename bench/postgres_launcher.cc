#include "bench/postgres_launcher.h"

#include <fcntl.h>
#include <grp.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"

namespace infinitedb::bench {
namespace {

constexpr char kDefaultBinDir[] = "/usr/lib/postgresql/15/bin";
// The unprivileged user the server runs as when the benchmark runs as root.
constexpr char kServerUser[] = "postgres";

std::string Binary(const std::string& name) {
  const char* dir = std::getenv("PG_BIN");
  return std::string(dir != nullptr ? dir : kDefaultBinDir) + "/" + name;
}

// The uid and gid to run the server as: ours, or kServerUser's as root.
absl::StatusOr<std::pair<uid_t, gid_t>> ServerIdentity() {
  if (geteuid() != 0) return std::make_pair(geteuid(), getegid());
  struct passwd* user = getpwnam(kServerUser);
  if (user == nullptr) {
    return absl::UnavailableError(absl::StrFormat(
        "postgres: running as root, and there is no user '%s' to run the "
        "server as",
        kServerUser));
  }
  return std::make_pair(user->pw_uid, user->pw_gid);
}

// Runs `args` as the server's user with output appended to `log`; returns
// its exit status (-1 when it could not run).
int Run(const std::vector<std::string>& args, const std::string& log) {
  absl::StatusOr<std::pair<uid_t, gid_t>> identity = ServerIdentity();
  if (!identity.ok()) return -1;
  std::fflush(nullptr);  // the child must not write our buffered output
  pid_t pid = fork();
  if (pid == 0) {
    if (geteuid() == 0 &&
        (setgroups(0, nullptr) != 0 || setgid(identity->second) != 0 ||
         setuid(identity->first) != 0)) {
      _exit(126);
    }
    // Opened as the server's user, who appends to the same log later.
    int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd >= 0) {
      dup2(fd, 1);
      dup2(fd, 2);
      close(fd);
    }
    std::vector<char*> argv;
    for (const std::string& arg : args)
      argv.push_back(const_cast<char*>(arg.c_str()));
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  int status = 0;
  if (pid < 0 || waitpid(pid, &status, 0) < 0) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// A loopback port nobody listens on now.
absl::StatusOr<int> FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return absl::UnavailableError("postgres: no socket for a port");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t size = sizeof(address);
  int port = -1;
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size) == 0) {
    port = ntohs(address.sin_port);
  }
  close(fd);
  if (port < 0) return absl::UnavailableError("postgres: no free port");
  return port;
}

// Gives `dir` and everything in it to the server's user.
absl::Status GiveToServer(const std::string& dir, uid_t uid, gid_t gid) {
  if (geteuid() != 0) return absl::OkStatus();
  if (chown(dir.c_str(), uid, gid) != 0) {
    return absl::UnavailableError("postgres: cannot chown " + dir);
  }
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (chown(entry.path().c_str(), uid, gid) != 0) {
      return absl::UnavailableError("postgres: cannot chown " +
                                    entry.path().string());
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::string> PostgresLauncher::Start(
    const std::string& dir, const std::vector<std::string>& settings) {
  dir_ = dir;
  data_dir_ = dir + "/pgdata";
  const std::string sockets = dir + "/sock";
  const std::string log = dir + "/postgres.log";
  std::filesystem::create_directories(sockets);
  absl::StatusOr<std::pair<uid_t, gid_t>> identity = ServerIdentity();
  if (!identity.ok()) return identity.status();
  if (absl::Status s = GiveToServer(dir, identity->first, identity->second);
      !s.ok()) {
    return s;
  }
  if (!std::filesystem::exists(Binary("initdb"))) {
    return absl::UnavailableError("postgres: no " + Binary("initdb") +
                                  " (install postgresql-15, or set PG_BIN)");
  }
  if (Run({Binary("initdb"), "-D", data_dir_, "-U", "postgres", "--auth=trust",
           "-E", "UTF8", "--no-locale", "--no-sync"},
          log) != 0) {
    return absl::UnavailableError(
        "postgres: initdb failed (can the server's user reach " + dir +
        "?); see " + log);
  }
  absl::StatusOr<int> port = FreePort();
  if (!port.ok()) return port.status();
  {
    std::ofstream conf(data_dir_ + "/postgresql.conf", std::ios::app);
    conf << "\n# infdb-bench\nlisten_addresses = '127.0.0.1'\n"
         << "port = " << *port << "\nunix_socket_directories = '" << sockets
         << "'\n";
    for (const std::string& line : settings) conf << line << "\n";
    if (!conf.flush()) {
      return absl::UnavailableError("postgres: cannot write postgresql.conf");
    }
  }
  if (Run({Binary("pg_ctl"), "-D", data_dir_, "-l", log, "-w", "-t", "120",
           "start"},
          log + ".ctl") != 0) {
    return absl::UnavailableError("postgres: the server did not start; see " +
                                  log);
  }
  started_ = true;
  return absl::StrFormat("host=127.0.0.1 port=%d user=postgres dbname=postgres",
                         *port);
}

void PostgresLauncher::Stop() {
  if (!started_) return;
  Run({Binary("pg_ctl"), "-D", data_dir_, "-m", "fast", "-w", "-t", "120",
       "stop"},
      dir_ + "/postgres.log.ctl");
  started_ = false;
}

void PostgresLauncher::StopLeftover(const std::string& dir) {
  const std::string data_dir = dir + "/pgdata";
  if (!std::filesystem::exists(data_dir + "/postmaster.pid")) return;
  Run({Binary("pg_ctl"), "-D", data_dir, "-m", "immediate", "-w", "stop"},
      dir + "/postgres.log.ctl");
}

}  // namespace infinitedb::bench
