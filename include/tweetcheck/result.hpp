#pragma once
/// Error convention: every fallible library function returns Result<T>.
/// Per-post problems are data (see types.hpp); an Error means the run cannot continue.

#include <string>
#include <utility>

#include <tl/expected.hpp>

namespace tweetcheck {

/// What kind of failure stopped an operation.
/// `cancelled`: stopped on request (AuditOptions::cancel: a signal) before the work was done.
enum class Errc { io, parse, http, database, config, usage, internal, cancelled };

/// A failure with a message that is already fit for a user, e.g.
/// "cannot open 'a.html': No such file or directory".
struct Error {
  Errc code = Errc::internal;
  std::string message;
};

template <class T>
using Result = tl::expected<T, Error>;

/// Builds the unexpected side of a Result.
inline tl::unexpected<Error> fail(Errc code, std::string message) {
  return tl::unexpected<Error>(Error{code, std::move(message)});
}

} // namespace tweetcheck
