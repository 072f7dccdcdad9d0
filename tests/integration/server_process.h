// Starts the real infdb-server binary for an integration test: a temporary
// data directory, a free loopback port (the server picks it: --listen
// 127.0.0.1:0, and prints it; or a fixed address, for servers that must
// name each other before they start), and SIGTERM or SIGKILL to stop it.
#ifndef INFINITEDB_TESTS_INTEGRATION_SERVER_PROCESS_H_
#define INFINITEDB_TESTS_INTEGRATION_SERVER_PROCESS_H_

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <string>
#include <vector>

namespace infinitedb::testing {

// A loopback port that was free a moment ago (bound to port 0 and closed);
// 0 on failure. Another process may take it meanwhile, which on a test
// machine is rare enough.
inline int FreeLoopbackPort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 0;
  sockaddr_in address = {};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof(address);
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
    port = ntohs(address.sin_port);
  }
  close(fd);
  return port;
}

class ServerProcess {
 public:
  explicit ServerProcess(std::string data_dir,
                         std::vector<std::string> extra_flags = {})
      : data_dir_(std::move(data_dir)), extra_flags_(std::move(extra_flags)) {}
  ~ServerProcess() { Kill(); }

  // Starts the server and waits for its "listening on" line; false on
  // failure.
  bool Start() {
    std::string log_path = this->log_path();
    unlink(log_path.c_str());  // never read an earlier run's address
    pid_ = fork();
    if (pid_ == 0) {
      // The server's output goes to a file, so it never blocks on a pipe.
      int log = open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      dup2(log, STDOUT_FILENO);
      dup2(log, STDERR_FILENO);
      std::vector<std::string> args = {
          INFDB_SERVER_PATH, "--data-dir=" + data_dir_, "--listen=" + listen_};
      args.insert(args.end(), extra_flags_.begin(), extra_flags_.end());
      std::vector<char*> argv;
      for (std::string& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(argv[0], argv.data());
      _exit(127);
    }
    for (int attempt = 0; attempt < 300; ++attempt) {  // up to 30 s
      std::ifstream log(log_path);
      std::string line;
      while (std::getline(log, line)) {
        size_t at = line.find("listening on ");
        if (at != std::string::npos) {
          address_ = line.substr(at + 13);
          return true;
        }
      }
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return false;  // exited before listening
      }
      usleep(100'000);
    }
    return false;
  }

  // Graceful stop; returns the exit status.
  int Stop() { return Signal(SIGTERM); }
  int Kill() { return Signal(SIGKILL); }
  // SIGHUP (re-read the TLS files); the server keeps running.
  void Hangup() {
    if (pid_ > 0) kill(pid_, SIGHUP);
  }

  // Listen on this host:port from the next Start() on, instead of a port
  // the server picks (127.0.0.1:0).
  void set_listen_address(std::string listen) { listen_ = std::move(listen); }

  const std::string& address() const { return address_; }
  // The file the server's stdout and stderr (its log) go to; Start()
  // truncates it. Beside the data directory unless set.
  std::string log_path() const {
    return log_path_.empty() ? data_dir_ + ".log" : log_path_;
  }
  void set_log_path(std::string path) { log_path_ = std::move(path); }

 private:
  int Signal(int signal_number) {
    if (pid_ <= 0) return -1;
    kill(pid_, signal_number);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return status;
  }

  const std::string data_dir_;
  const std::vector<std::string> extra_flags_;
  std::string listen_ = "127.0.0.1:0";
  std::string log_path_;
  pid_t pid_ = -1;
  std::string address_;
};

}  // namespace infinitedb::testing

#endif  // INFINITEDB_TESTS_INTEGRATION_SERVER_PROCESS_H_
