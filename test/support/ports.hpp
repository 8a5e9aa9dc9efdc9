#pragma once
// Free TCP ports on 127.0.0.1 for the servers the tests start (the kernel's choice: bound to port
// 0, read back, released).
#include <cstddef>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include <vector>

namespace tweetcheck::test {

/// `n` distinct free ports (all held until every one is chosen, so no two are the same).
inline std::vector<int> free_ports(std::size_t n) {
  std::vector<int> sockets, ports;
  for (std::size_t i = 0; i < n; ++i) {
    const int s = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    ::getsockname(s, reinterpret_cast<sockaddr*>(&a), &len);
    sockets.push_back(s);
    ports.push_back(ntohs(a.sin_port));
  }
  for (const int s : sockets) ::close(s);
  return ports;
}

inline int free_port() { return free_ports(1)[0]; }

} // namespace tweetcheck::test
