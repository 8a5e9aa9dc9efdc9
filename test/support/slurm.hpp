#pragma once
// A throwaway one-node Slurm cluster on loopback for the tests: munged with a key made for the
// test and its own socket, slurmctld and slurmd (node `localhost`, CPUs as this machine has) on
// free ports, with a slurm.conf, state, spool and logs in a temporary folder; no cgroups, no
// accounting. The clients (sbatch, squeue, scontrol) find it through SLURM_CONF (env()). When the
// object goes, the cluster's jobs are cancelled and every daemon is stopped by its PID. When a
// daemon cannot start here, ok() is false and why() says why (the test is then skipped).
#include <algorithm>
#include <array>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <pwd.h>
#include <random>
#include <string>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

#include "support/ports.hpp"
#include "support/temp_dir.hpp"

namespace tweetcheck::test {

class SlurmCluster {
public:
  SlurmCluster() : m_dir("tweetcheck-slurm") {
    for (const char* p : {"munged", "slurmctld", "slurmd", "sbatch", "squeue", "scontrol", "scancel", "sinfo"}) {
      if (program(p).empty()) {
        m_why = std::string("Slurm is not installed (Debian packages slurm-wlm and munge): no ") + p;
        return;
      }
    }
    const passwd* pw = ::getpwuid(::geteuid());
    if (!pw) {
      m_why = "this user has no name to run Slurm as";
      return;
    }
    m_user = pw->pw_name;
    for (const char* d : {"munge", "state", "spool", "log"}) std::filesystem::create_directories(m_dir / d);
    // munged wants its socket reachable by every user: the folders searchable by all (the key
    // stays its owner's alone).
    ::chmod(m_dir.path.c_str(), 0711);
    ::chmod((m_dir / "munge").c_str(), 0711);
    if (!start_munge()) return;
    write_config();
    m_slurmctld = spawn({program("slurmctld"), "-D", "-f", m_conf}, m_dir / "log/slurmctld.out");
    if (!wait_for([&] { return client("scontrol ping").find("is UP") != std::string::npos; }, m_slurmctld)) {
      m_why = "slurmctld did not start: " + tail(m_dir / "log/slurmctld.out");
      stop();
      return;
    }
    m_slurmd = spawn({program("slurmd"), "-D", "-N", "localhost", "-f", m_conf}, m_dir / "log/slurmd.out");
    if (!wait_for([&] { return client("sinfo -h -n localhost -o %T").find("idle") == 0; }, m_slurmd)) {
      m_why = "slurmd did not start in this container: " + tail(m_dir / "log/slurmd.out");
      stop();
    }
  }
  ~SlurmCluster() { stop(); }
  SlurmCluster(const SlurmCluster&) = delete;
  SlurmCluster& operator=(const SlurmCluster&) = delete;

  bool ok() const { return m_slurmd > 0; }
  /// Why there is no cluster (for the test's skip message).
  const std::string& why() const { return m_why; }
  /// The environment for the cluster's clients, to put before a shell command.
  std::string env() const { return "SLURM_CONF='" + m_conf + "' "; }
  /// Runs a client command (sbatch, squeue, scontrol, ...) against the cluster; its output.
  std::string client(const std::string& cmd) const { return capture(env() + cmd + " 2>&1").second; }

  /// Waits (at most `deadline`) until every task of job `id` has ended; `scontrol -o show job`'s
  /// lines then (one per task), or "" when the deadline passed first.
  std::string wait_job(const std::string& id, std::chrono::seconds deadline) const {
    const auto end = std::chrono::steady_clock::now() + deadline;
    while (std::chrono::steady_clock::now() < end) {
      const std::string jobs = client("scontrol -o show job " + id);
      bool ended = jobs.find("JobState=") != std::string::npos;
      for (const char* live : {"JobState=PENDING", "JobState=RUNNING", "JobState=CONFIGURING", "JobState=COMPLETING",
                               "JobState=REQUEUED", "JobState=RESIZING", "JobState=SUSPENDED"}) {
        if (jobs.find(live) != std::string::npos) ended = false;
      }
      if (ended) return jobs;
      std::this_thread::sleep_for(std::chrono::milliseconds(250));
    }
    return "";
  }

  /// The daemons' logs, for a failing test's message.
  std::string logs() const {
    return "slurmctld: " + tail(m_dir / "log/slurmctld.out") + "\nslurmd: " + tail(m_dir / "log/slurmd.out");
  }

private:
  /// Found on PATH or in the sbin folders (where the daemons are); "" when not found.
  static std::string program(const std::string& name) {
    std::string dirs = std::getenv("PATH") ? std::getenv("PATH") : "";
    dirs += ":/usr/sbin:/sbin:/usr/local/sbin";
    for (std::size_t b = 0; b <= dirs.size();) {
      const std::size_t e = std::min(dirs.find(':', b), dirs.size());
      const std::string p = dirs.substr(b, e - b) + "/" + name;
      if (e > b && ::access(p.c_str(), X_OK) == 0) return p;
      b = e + 1;
    }
    return "";
  }

  static std::pair<int, std::string> capture(const std::string& cmd) {
    std::string out;
    FILE* p = ::popen(cmd.c_str(), "r");
    if (!p) return {-1, out};
    std::array<char, 4096> buf{};
    std::size_t n;
    while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
    const int st = ::pclose(p);
    return {WIFEXITED(st) ? WEXITSTATUS(st) : -1, out};
  }

  /// The last lines of a log (a few hundred characters), on one line.
  static std::string tail(const std::string& path) {
    std::ifstream in(path);
    std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (all.size() > 600) all = "..." + all.substr(all.size() - 600);
    for (char& c : all) {
      if (c == '\n') c = ' ';
    }
    return all.empty() ? "(its log is empty)" : all;
  }

  bool start_munge() {
    m_socket = m_dir / "munge/munge.socket";
    const std::string key = m_dir / "munge/munge.key";
    {
      std::random_device rd;
      std::string bytes(1024, '\0');
      for (char& c : bytes) c = static_cast<char>(rd() & 0xff);
      std::ofstream(key, std::ios::binary) << bytes;
    }
    ::chmod(key.c_str(), 0600);
    m_munged = spawn({program("munged"), "--foreground", "--socket=" + m_socket, "--key-file=" + key,
                      "--pid-file=" + (m_dir / "munge/munged.pid"), "--seed-file=" + (m_dir / "munge/munged.seed"),
                      "--log-file=" + (m_dir / "log/munged.log")},
                     m_dir / "log/munged.out");
    if (!wait_for([&] { return std::filesystem::exists(m_socket); }, m_munged)) {
      m_why = "munged did not start: " + tail(m_dir / "log/munged.out");
      stop();
      return false;
    }
    return true;
  }

  void write_config() {
    const std::vector<int> ports = free_ports(2);
    const unsigned cpus = std::max(1u, std::thread::hardware_concurrency());
    m_conf = m_dir / "slurm.conf";
    std::ofstream(m_conf) << "ClusterName=tweetcheck-test\n"
                          << "SlurmctldHost=localhost\n"
                          << "SlurmctldPort=" << ports[0] << "\n"
                          << "SlurmdPort=" << ports[1] << "\n"
                          << "SlurmUser=" << m_user << "\nSlurmdUser=" << m_user << "\n"
                          << "AuthType=auth/munge\nCredType=cred/munge\n"
                          << "AuthInfo=socket=" << m_socket << "\n"
                          << "StateSaveLocation=" << (m_dir / "state") << "\n"
                          << "SlurmdSpoolDir=" << (m_dir / "spool") << "\n"
                          << "SlurmctldPidFile=" << (m_dir / "slurmctld.pid") << "\n"
                          << "SlurmdPidFile=" << (m_dir / "slurmd.pid") << "\n"
                          << "SlurmctldLogFile=" << (m_dir / "log/slurmctld.log") << "\n"
                          << "SlurmdLogFile=" << (m_dir / "log/slurmd.log") << "\n"
                          << "ProctrackType=proctrack/linuxproc\nTaskPlugin=task/none\n"
                          << "JobAcctGatherType=jobacct_gather/none\nAccountingStorageType=accounting_storage/none\n"
                          << "JobCompType=jobcomp/none\nMpiDefault=none\nSwitchType=switch/none\n"
                          << "SelectType=select/cons_tres\nSelectTypeParameters=CR_Core\n"
                          << "ReturnToService=2\nMinJobAge=600\nMailProg=/bin/true\n"
                          << "NodeName=localhost NodeAddr=127.0.0.1 CPUs=" << cpus << " State=UNKNOWN\n"
                          << "PartitionName=test Nodes=localhost Default=YES MaxTime=INFINITE State=UP\n";
  }

  /// Waits (at most 20 s) until `ready`; false when it was not, or `pid` ended first (then reaped
  /// and set to -1).
  template <typename F>
  static bool wait_for(F ready, pid_t& pid) {
    for (int i = 0; i < 200; ++i) {
      if (::waitpid(pid, nullptr, WNOHANG) != 0) {
        pid = -1;
        return false;
      }
      if (ready()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
  }

  static pid_t spawn(std::vector<std::string> args, const std::string& log) {
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    const pid_t pid = ::fork();
    if (pid == 0) {
      ::prctl(PR_SET_PDEATHSIG, SIGTERM); // never outlive the tests
      const int null = ::open("/dev/null", O_RDONLY);
      const int out = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      ::dup2(null, 0);
      ::dup2(out, 1);
      ::dup2(out, 2);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
    return pid;
  }

  /// SIGTERM, and SIGKILL if it has not ended within 10 s; reaped either way.
  static void stop_daemon(pid_t& pid) {
    if (pid <= 0) return;
    ::kill(pid, SIGTERM);
    bool ended = false;
    for (int i = 0; i < 100 && !(ended = ::waitpid(pid, nullptr, WNOHANG) != 0); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    if (!ended) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, nullptr, 0);
    }
    pid = -1;
  }

  void stop() {
    if (m_slurmctld > 0 && m_slurmd > 0) {
      // The jobs' processes are slurmstepd's, not slurmd's: cancel them first (at most 10 s).
      capture(env() + "scancel --user=" + m_user + " >/dev/null 2>&1");
      for (int i = 0; i < 40 && !capture(env() + "squeue -h 2>/dev/null").second.empty(); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(250));
      }
    }
    stop_daemon(m_slurmd);
    stop_daemon(m_slurmctld);
    stop_daemon(m_munged);
  }

  TempDir m_dir;
  std::string m_why, m_user, m_conf, m_socket;
  pid_t m_munged = -1, m_slurmctld = -1, m_slurmd = -1;
};

} // namespace tweetcheck::test
